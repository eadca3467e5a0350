-- A spilled window computes every function over whole partitions: ranks,
-- a frame of two rows, LAG of a string and SUM of an expression (held
-- beside the columns in each run) give what they give in memory, summed
-- here over all rows; past the 64K budget (the rows need some 450 KB) it
-- spills.
-- memory: 64K
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_blocks OPTIONS (block_rows = 100) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT COUNT(*), SUM(rn * pulocationid), SUM(rk * fare_amount), SUM(two), COUNTIF(before = 'N'), COUNT(before), SUM(running)
FROM (SELECT pulocationid, fare_amount,
             ROW_NUMBER() OVER (PARTITION BY pulocationid ORDER BY fare_amount, tpep_pickup_datetime) AS rn,
             RANK() OVER (PARTITION BY pulocationid ORDER BY fare_amount, tpep_pickup_datetime) AS rk,
             SUM(fare_amount) OVER (PARTITION BY pulocationid ORDER BY fare_amount, tpep_pickup_datetime
                                    ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS two,
             LAG(store_and_fwd_flag) OVER (PARTITION BY pulocationid ORDER BY fare_amount, tpep_pickup_datetime) AS before,
             SUM(fare_amount * 2 + passenger_count) OVER (PARTITION BY pulocationid ORDER BY fare_amount, tpep_pickup_datetime) AS running
      FROM taxi_data.trips_blocks);
-- sqlite: SELECT COUNT(*), SUM(rn * pulocationid), SUM(rk * fare_amount), SUM(two), SUM(before = 'N'), COUNT(before), SUM(running) FROM (SELECT pulocationid, fare_amount, ROW_NUMBER() OVER (PARTITION BY pulocationid ORDER BY fare_amount, tpep_pickup_datetime) AS rn, RANK() OVER (PARTITION BY pulocationid ORDER BY fare_amount, tpep_pickup_datetime) AS rk, SUM(fare_amount) OVER (PARTITION BY pulocationid ORDER BY fare_amount, tpep_pickup_datetime ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS two, LAG(store_and_fwd_flag) OVER (PARTITION BY pulocationid ORDER BY fare_amount, tpep_pickup_datetime) AS before, SUM(fare_amount * 2 + passenger_count) OVER (PARTITION BY pulocationid ORDER BY fare_amount, tpep_pickup_datetime) AS running FROM staging_taxi_trips);
-- expect:
-- 1500	5031662	512905.08	39503.8799999999	1392	1413	595395.759999999
