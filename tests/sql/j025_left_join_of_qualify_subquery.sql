-- A FROM subquery whose plan carries a column it does not output (QUALIFY's
-- predicate) on the left of a LEFT JOIN: the right side's columns come
-- after the subquery's outputs, not after its hidden column (this read the
-- BOOL predicate as the right side's STRING key and aborted), on a table
-- of 24 blocks; a CTE the same.
-- setup: CREATE OR REPLACE TABLE taxi_data.ids64 OPTIONS (block_rows = 64) AS SELECT CAST(pulocationid AS STRING) AS id, vendorid FROM taxi_data.staging_taxi_trips
WITH d AS (SELECT id, vendorid FROM taxi_data.ids64
           QUALIFY ROW_NUMBER() OVER (PARTITION BY id ORDER BY vendorid) = 1)
SELECT 'cte', COUNT(*), COUNT(x.id), COUNT(DISTINCT d.id), MIN(x.id)
FROM d LEFT JOIN taxi_data.ids64 x ON x.id = d.id AND x.vendorid = d.vendorid
UNION ALL
SELECT 'sub', COUNT(*), COUNT(x.id), COUNT(DISTINCT s.id), MIN(x.id)
FROM (SELECT id FROM taxi_data.ids64
      QUALIFY ROW_NUMBER() OVER (PARTITION BY id ORDER BY vendorid) = 1) s
LEFT JOIN taxi_data.ids64 x ON x.id = s.id
ORDER BY 1;
-- sqlite: WITH i AS (SELECT CAST(pulocationid AS TEXT) AS id, vendorid FROM staging_taxi_trips), d AS (SELECT id, vendorid FROM (SELECT id, vendorid, ROW_NUMBER() OVER (PARTITION BY id ORDER BY vendorid) AS rn FROM i) WHERE rn = 1) SELECT 'cte', COUNT(*), COUNT(x.id), COUNT(DISTINCT d.id), MIN(x.id) FROM d LEFT JOIN i x ON x.id = d.id AND x.vendorid = d.vendorid UNION ALL SELECT 'sub', COUNT(*), COUNT(x.id), COUNT(DISTINCT d.id), MIN(x.id) FROM d LEFT JOIN i x ON x.id = d.id ORDER BY 1;
