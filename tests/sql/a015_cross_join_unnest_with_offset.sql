-- CROSS JOIN UNNEST(t.col) WITH OFFSET AS pos: each element's place from 0,
-- the array named through its table's alias.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips64 OPTIONS (block_rows = 64) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT t.vendorid, pos, v
FROM (SELECT vendorid, ARRAY_AGG(tip_amount ORDER BY tip_amount DESC, tpep_pickup_datetime LIMIT 2) AS top
      FROM taxi_data.trips64 GROUP BY vendorid) t CROSS JOIN UNNEST(t.top) AS v WITH OFFSET AS pos
ORDER BY pos DESC, t.vendorid;
-- sqlite: SELECT vendorid, rn - 1, tip_amount FROM (SELECT vendorid, tip_amount, ROW_NUMBER() OVER (PARTITION BY vendorid ORDER BY tip_amount DESC, tpep_pickup_datetime) AS rn FROM staging_taxi_trips) WHERE rn <= 2 ORDER BY rn DESC, vendorid;
-- expect:
-- 1	1	16.65
-- 2	1	21.32
-- 1	0	25
-- 2	0	40
