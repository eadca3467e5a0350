-- STRING_AGG with ORDER BY ... LIMIT on 30,000 rows in 30 blocks, where
-- most keys are NULL: DESC puts NULLs last, so the few values come first
-- and NULL-keyed rows fill what room is left.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips20 OPTIONS (block_rows = 1000) AS SELECT t.*, k FROM taxi_data.staging_taxi_trips t CROSS JOIN UNNEST(GENERATE_ARRAY(1, 20)) AS k
SELECT vendorid, STRING_AGG(CAST(k * 1000 + pulocationid AS STRING), ',' ORDER BY IF(tip_amount > 15 AND k = 7, tip_amount, NULL) DESC, k DESC, pulocationid LIMIT 6)
FROM taxi_data.trips20 GROUP BY vendorid ORDER BY vendorid;
-- sqlite: WITH RECURSIVE g(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM g WHERE k < 20) SELECT vendorid, group_concat(v, ',') FROM (SELECT vendorid, k * 1000 + pulocationid AS v, ROW_NUMBER() OVER (PARTITION BY vendorid ORDER BY IIF(tip_amount > 15 AND k = 7, tip_amount, NULL) DESC, k DESC, pulocationid) AS rn FROM staging_taxi_trips, g) WHERE rn <= 6 GROUP BY vendorid ORDER BY vendorid;
-- expect:
-- 1	7161,7161,7132,7132,7263,20004
-- 2	7239,7132,7132,20004,20004,20011
