-- Decorrelated, a COUNT over no rows is still 0, not NULL: no trip of 0
-- or 3 to 6 passengers has a fare above 60.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips64 OPTIONS (block_rows = 64) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT passenger_count, COUNT(*), SUM(n), MIN(n), MAX(n)
FROM (SELECT passenger_count,
             (SELECT COUNT(*) FROM taxi_data.trips64 t2 WHERE t2.passenger_count = t1.passenger_count AND t2.fare_amount > 60) AS n
      FROM taxi_data.trips64 t1)
GROUP BY 1 ORDER BY 1;
-- sqlite: SELECT passenger_count, COUNT(*), SUM(n), MIN(n), MAX(n) FROM (SELECT passenger_count, (SELECT COUNT(*) FROM staging_taxi_trips t2 WHERE t2.passenger_count = t1.passenger_count AND t2.fare_amount > 60) AS n FROM staging_taxi_trips t1) GROUP BY 1 ORDER BY 1;
-- expect:
-- 0	17	0	0	0
-- 1	965	10615	11	11
-- 2	333	333	1	1
-- 3	97	0	0	0
-- 4	42	0	0	0
-- 5	33	0	0	0
-- 6	13	0	0	0
