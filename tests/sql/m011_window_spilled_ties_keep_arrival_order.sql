-- Rows with equal window keys keep the order they came in when the window
-- spills, as they do in memory: the runs are merged earlier run first, so
-- ROW_NUMBER over an ORDER BY of many ties numbers them by arrival (a
-- later run first would move the numbers between the ties' fares).
-- memory: 64K
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_blocks OPTIONS (block_rows = 100) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT COUNT(*), SUM(rn * fare_amount), SUM(rn * passenger_count)
FROM (SELECT fare_amount, passenger_count,
             ROW_NUMBER() OVER (PARTITION BY pulocationid ORDER BY payment_type) AS rn
      FROM taxi_data.trips_blocks);
-- sqlite: SELECT COUNT(*), SUM(rn * fare_amount), SUM(rn * passenger_count) FROM (SELECT fare_amount, passenger_count, ROW_NUMBER() OVER (PARTITION BY pulocationid ORDER BY payment_type, rowid) AS rn FROM staging_taxi_trips);
-- expect:
-- 1500	405674.72	44345
