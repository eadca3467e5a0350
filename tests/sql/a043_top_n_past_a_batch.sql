-- The top-N idiom on 30,000 rows in 30 blocks: ARRAY_AGG(... ORDER BY ...
-- LIMIT 4) per group keeps only the values that can still make its top 4
-- as the rows come, and gives what sorting them all gives, in a budget
-- (256K) that keeping all 30,000 values would exceed.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips20 OPTIONS (block_rows = 1000) AS SELECT t.*, k FROM taxi_data.staging_taxi_trips t CROSS JOIN UNNEST(GENERATE_ARRAY(1, 20)) AS k
-- memory: 256K
SELECT payment_type, v
FROM (SELECT payment_type, ARRAY_AGG(fare_amount + k ORDER BY tip_amount * k DESC, fare_amount + k LIMIT 4) AS top
      FROM taxi_data.trips20 GROUP BY payment_type), UNNEST(top) AS v WITH OFFSET AS pos
ORDER BY payment_type, pos;
-- sqlite: WITH RECURSIVE g(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM g WHERE k < 20) SELECT payment_type, v FROM (SELECT payment_type, fare_amount + k AS v, ROW_NUMBER() OVER (PARTITION BY payment_type ORDER BY tip_amount * k DESC, fare_amount + k) AS rn FROM staging_taxi_trips, g) WHERE rn <= 4 ORDER BY payment_type, rn;
-- expect:
-- 1	38.4
-- 1	37.4
-- 1	36.4
-- 1	35.4
-- 2	3.5
-- 2	3.5
-- 2	4.0
-- 2	4.0
-- 3	1.0
-- 3	2.0
-- 3	3.0
-- 3	4.0
-- 4	-24.4
-- 4	-23.4
-- 4	-22.4
-- 4	-21.4
