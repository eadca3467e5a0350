-- A GROUP BY over a scan of 24 blocks runs on two threads, every other
-- block to each, the second's groups merged into the first's: pickup zones
-- (some seen by one thread only), their counts, sums, averages, least and
-- greatest values, summed up over the groups.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips64 OPTIONS (block_rows = 64) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT COUNT(*), SUM(n), SUM(fees), SUM(people), ROUND(SUM(fares), 2), ROUND(SUM(avg_miles), 4),
       MIN(first_pickup), MAX(last_pickup), SUM(IF(flag = 'Y', 1, 0)), SUM(single)
FROM (SELECT pulocationid, COUNT(*) AS n, COUNT(airport_fee) AS fees, SUM(passenger_count) AS people,
             SUM(fare_amount) AS fares, AVG(trip_distance) AS avg_miles,
             MIN(tpep_pickup_datetime) AS first_pickup, MAX(tpep_pickup_datetime) AS last_pickup,
             MAX(store_and_fwd_flag) AS flag, IF(COUNT(*) = 1, 1, 0) AS single
      FROM taxi_data.trips64 GROUP BY pulocationid);
-- sqlite: SELECT COUNT(*), SUM(n), SUM(fees), SUM(people), ROUND(SUM(fares), 2), ROUND(SUM(avg_miles), 4), MIN(first_pickup), MAX(last_pickup), SUM(IIF(flag = 'Y', 1, 0)), SUM(single) FROM (SELECT pulocationid, COUNT(*) AS n, COUNT(airport_fee) AS fees, SUM(passenger_count) AS people, SUM(fare_amount) AS fares, AVG(trip_distance) AS avg_miles, MIN(tpep_pickup_datetime) AS first_pickup, MAX(tpep_pickup_datetime) AS last_pickup, MAX(store_and_fwd_flag) AS flag, IIF(COUNT(*) = 1, 1, 0) AS single FROM staging_taxi_trips GROUP BY pulocationid);
-- expect:
-- 87	1500	500	2333	21134.78	320.121	2018-11-28 15:52:25	2023-01-01 01:05:05	20	24
