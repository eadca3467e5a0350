-- * keeps a STRUCT's fields together, through a WITH query, where e.s.field
-- finds them; * EXCEPT (s) leaves the STRUCT out.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips64 OPTIONS (block_rows = 64) AS SELECT * FROM taxi_data.staging_taxi_trips
WITH best AS (SELECT vendorid AS v, ARRAY_AGG(c ORDER BY fare_amount DESC LIMIT 1)[OFFSET(0)] AS s
              FROM (SELECT vendorid, fare_amount FROM taxi_data.trips64) c GROUP BY vendorid),
     everything AS (SELECT * FROM best),
     plain AS (SELECT * EXCEPT (s) FROM best)
SELECT p.*, e.s.fare_amount, e.s.vendorid FROM plain p JOIN everything e ON p.v = e.v ORDER BY 1;
-- sqlite: SELECT vendorid, MAX(fare_amount), vendorid FROM staging_taxi_trips GROUP BY vendorid ORDER BY 1;
-- expect:
-- 1	72.3	1
-- 2	86.5	2
