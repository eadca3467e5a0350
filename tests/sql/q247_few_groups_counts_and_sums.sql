-- COUNT(*), COUNT, SUM and AVG per group on 24 blocks of 64 rows: with
-- few groups (payment types) the batch's rows per group are counted once
-- and the float sums kept in lanes (sql_agg.c); with more than 64 groups
-- (drop-off zones) and through a column with NULLs (airport_fee), row by
-- row.  Each the same as sqlite3's.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips64 OPTIONS (block_rows = 64) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT 'pay' AS k, COUNT(DISTINCT payment_type) AS ngroups, SUM(n) AS n, SUM(c) AS c, ROUND(SUM(s), 4) AS s, ROUND(SUM(a), 4) AS a, SUM(fees) AS fees
FROM (SELECT payment_type, COUNT(*) AS n, COUNT(fare_amount) AS c, SUM(fare_amount) AS s, AVG(fare_amount) AS a,
             COUNT(airport_fee) AS fees FROM taxi_data.trips64 GROUP BY payment_type)
UNION ALL
SELECT 'zone', COUNT(DISTINCT dolocationid), SUM(n), SUM(c), ROUND(SUM(s), 4), ROUND(SUM(a), 4), SUM(fees)
FROM (SELECT dolocationid, COUNT(*) AS n, COUNT(fare_amount) AS c, SUM(fare_amount) AS s, AVG(fare_amount) AS a,
             COUNT(airport_fee) AS fees FROM taxi_data.trips64 GROUP BY dolocationid)
ORDER BY k;
-- sqlite: SELECT 'pay', COUNT(DISTINCT payment_type), SUM(n), SUM(c), ROUND(SUM(s), 4), ROUND(SUM(a), 4), SUM(fees) FROM (SELECT payment_type, COUNT(*) AS n, COUNT(fare_amount) AS c, SUM(fare_amount) AS s, AVG(fare_amount) AS a, COUNT(airport_fee) AS fees FROM staging_taxi_trips GROUP BY payment_type) UNION ALL SELECT 'zone', COUNT(DISTINCT dolocationid), SUM(n), SUM(c), ROUND(SUM(s), 4), ROUND(SUM(a), 4), SUM(fees) FROM (SELECT dolocationid, COUNT(*) AS n, COUNT(fare_amount) AS c, SUM(fare_amount) AS s, AVG(fare_amount) AS a, COUNT(airport_fee) AS fees FROM staging_taxi_trips GROUP BY dolocationid) ORDER BY 1;
-- expect:
-- pay	4	1500	1500	21134.78	47.0053	500
-- zone	143	1500	1500	21134.78	3258.0349	500
