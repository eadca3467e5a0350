-- ARRAY<type>[...] coerces its elements to type (BigQuery's ARRAY<FLOAT64>
-- [1, 2, 3] holds FLOAT64s), an empty one has that element type, and a
-- string literal becomes a DATE; ARRAY_CONCAT then takes it beside an
-- ARRAY_AGG of FLOAT64 values, where [0] (ARRAY<INT64>) would not fit; on
-- a table of 24 blocks.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips64 OPTIONS (block_rows = 64) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT vendorid, ARRAY<FLOAT64>[1, 2.5], ARRAY_LENGTH(ARRAY<STRING>[]), ARRAY<DATE>['2024-01-02'],
       ARRAY_LENGTH(ARRAY<INT64>[NULL, 3]), ARRAY<NUMERIC>[1, 2][OFFSET(1)] / 3,
       ARRAY_CONCAT(ARRAY<FLOAT64>[0], ARRAY_AGG(fare_amount ORDER BY trip_distance DESC, fare_amount LIMIT 2))
FROM taxi_data.trips64 GROUP BY vendorid ORDER BY vendorid;
-- nosqlite
-- expect:
-- 1	[1, 2.5]	0	[2024-01-02]	2	0.666666667	[0, 70, 54.5]
-- 2	[1, 2.5]	0	[2024-01-02]	2	0.666666667	[0, 86.5, 82.5]
