-- GROUP BY one INT64 key that is narrow in some blocks (by offset) and
-- wide in others (hashed, -5000000000 beside 1 to 3): both ways find the
-- same groups, made in the order their first rows come (no ORDER BY).
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_blocks OPTIONS (block_rows = 100) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT IF(payment_type = 4, -5000000000, payment_type) AS k, COUNT(*), MAX(tpep_dropoff_datetime)
FROM taxi_data.trips_blocks GROUP BY k;
-- sqlite: SELECT CASE WHEN payment_type = 4 THEN -5000000000 ELSE payment_type END AS k, COUNT(*), MAX(tpep_dropoff_datetime) FROM staging_taxi_trips GROUP BY k ORDER BY MIN(rowid);
-- expect:
-- 1	981	2023-01-02 00:17:13
-- 2	488	2023-01-01 01:34:26
-- -5000000000	14	2023-01-01 01:14:03
-- 3	17	2023-01-01 01:06:11
