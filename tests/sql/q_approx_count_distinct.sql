-- APPROX_COUNT_DISTINCT is a HyperLogLog of 4096 registers (sql_agg.c):
-- below 10,240 distinct values it counts empty registers, which is near
-- exact (within 10 here).  The table is the 1,500 sample trips in blocks of 100 rows; the
-- exact counts (COUNT(DISTINCT ...)) sit beside the estimates, and strings,
-- floats, timestamps and NULLs (not counted) are each hashed their own way.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_hll OPTIONS (block_rows = 100) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT APPROX_COUNT_DISTINCT(pulocationid) AS pu, COUNT(DISTINCT pulocationid) AS pu_exact,
       APPROX_COUNT_DISTINCT(fare_amount) AS fare, COUNT(DISTINCT fare_amount) AS fare_exact,
       APPROX_COUNT_DISTINCT(tpep_pickup_datetime) AS pickup, COUNT(DISTINCT tpep_pickup_datetime) AS pickup_exact,
       APPROX_COUNT_DISTINCT(CAST(dolocationid AS STRING)) AS do_text, COUNT(DISTINCT dolocationid) AS do_exact,
       APPROX_COUNT_DISTINCT(IF(vendorid = 1, NULL, vendorid)) AS vendors_not_1
FROM taxi_data.trips_hll;
-- nosqlite
-- expect:
-- 86	87	152	154	1376	1385	145	143	1
