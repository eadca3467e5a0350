-- The date spine: every day of a range, with the trips that day (0 where
-- none), from GENERATE_DATE_ARRAY.  The trips in 24 blocks.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips64 OPTIONS (block_rows = 64) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT d, COUNT(t.vendorid) FROM UNNEST(GENERATE_DATE_ARRAY('2018-12-30', DATE '2019-01-03')) AS d
LEFT JOIN taxi_data.trips64 t ON DATE(t.tpep_pickup_datetime) = d GROUP BY d ORDER BY d;
-- sqlite: WITH RECURSIVE s(d) AS (SELECT '2018-12-30' UNION ALL SELECT date(d, '+1 day') FROM s WHERE d < '2019-01-03') SELECT d, COUNT(t.vendorid) FROM s LEFT JOIN staging_taxi_trips t ON date(t.tpep_pickup_datetime) = d GROUP BY d ORDER BY d;
-- expect:
-- 2018-12-30	0
-- 2018-12-31	3
-- 2019-01-01	492
-- 2019-01-02	0
-- 2019-01-03	0
