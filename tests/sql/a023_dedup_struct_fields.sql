-- The dedup idiom with a STRUCT column: ARRAY_AGG(t ...)[OFFSET(0)] AS s,
-- then s.field and s.* outside.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips64 OPTIONS (block_rows = 64) AS SELECT * FROM taxi_data.staging_taxi_trips
WITH fares AS (SELECT vendorid, payment_type, fare_amount, tip_amount FROM taxi_data.trips64),
     best AS (SELECT vendorid * 10 + payment_type AS k, ARRAY_AGG(f ORDER BY fare_amount DESC, tip_amount DESC LIMIT 1)[OFFSET(0)] AS s
              FROM fares f GROUP BY vendorid, payment_type)
SELECT k, s.*, s.fare_amount + s.tip_amount AS total FROM best ORDER BY k;
-- sqlite: SELECT vendorid * 10 + payment_type, vendorid, payment_type, fare_amount, tip_amount, fare_amount + tip_amount FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY vendorid, payment_type ORDER BY fare_amount DESC, tip_amount DESC) AS rn FROM staging_taxi_trips) WHERE rn = 1 ORDER BY 1;
-- expect:
-- 11	1	1	72.3	15.2	87.5
-- 12	1	2	62.5	0	62.5
-- 13	1	3	42.5	0	42.5
-- 14	1	4	34	0	34
-- 21	2	1	86.5	2.75	89.25
-- 22	2	2	82.5	0	82.5
-- 24	2	4	25.4	0	25.4
