-- STRING_AGG(DISTINCT x, sep ORDER BY x): each vendor's payment types, in
-- order.  The trips in 24 blocks of 64.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips64 OPTIONS (block_rows = 64) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT vendorid, STRING_AGG(DISTINCT CAST(payment_type AS STRING), '/' ORDER BY CAST(payment_type AS STRING))
FROM taxi_data.trips64 GROUP BY vendorid ORDER BY vendorid;
-- sqlite: SELECT v, group_concat(p, '/') FROM (SELECT DISTINCT vendorid AS v, CAST(payment_type AS TEXT) AS p FROM staging_taxi_trips ORDER BY v, p) GROUP BY v ORDER BY v;
-- expect:
-- 1	1/2/3/4
-- 2	1/2/4
