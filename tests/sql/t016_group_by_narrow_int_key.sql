-- GROUP BY one INT64 key whose values in a batch lie in a range no wider
-- than the batch finds each row's group by its offset from the least (one
-- hash lookup per value, not per row): NULL keys and negative keys, over
-- 15 blocks (block_rows 100), land in the groups hashing every row gives.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_blocks OPTIONS (block_rows = 100) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT IF(vendorid = 2, NULL, 2 - payment_type) AS k, COUNT(*), SUM(passenger_count), MIN(tpep_pickup_datetime)
FROM taxi_data.trips_blocks GROUP BY k ORDER BY k;
-- sqlite: SELECT CASE WHEN vendorid = 2 THEN NULL ELSE 2 - payment_type END AS k, COUNT(*), SUM(passenger_count), MIN(tpep_pickup_datetime) FROM staging_taxi_trips GROUP BY k ORDER BY k;
-- expect:
-- NULL	897	1424	2018-11-28 15:52:25
-- -2	8	17	2019-01-01 00:40:33
-- -1	17	27	2019-01-01 00:16:43
-- 0	179	271	2019-01-01 00:00:03
-- 1	399	594	2019-01-01 00:00:50
