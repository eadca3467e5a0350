-- The dedup idiom: SELECT AS VALUE ARRAY_AGG(t ORDER BY ... LIMIT 1)[OFFSET(0)]
-- keeps one whole row per key (its latest drop-off), its columns named as
-- the table's; a NULL field (airport_fee, 926 of them) is a value, not a
-- NULL element. 1,500 rows of 24 blocks, 1,385 keys.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips64 OPTIONS (block_rows = 64) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT COUNT(*), SUM(fare_amount), SUM(tip_amount), COUNTIF(airport_fee IS NULL), MAX(tpep_dropoff_datetime)
FROM (SELECT AS VALUE ARRAY_AGG(t ORDER BY tpep_dropoff_datetime DESC, fare_amount DESC, tip_amount DESC LIMIT 1)[OFFSET(0)]
      FROM taxi_data.trips64 t GROUP BY tpep_pickup_datetime);
-- sqlite: SELECT COUNT(*), SUM(fare_amount), SUM(tip_amount), SUM(airport_fee IS NULL), MAX(tpep_dropoff_datetime) FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY tpep_pickup_datetime ORDER BY tpep_dropoff_datetime DESC, fare_amount DESC, tip_amount DESC) AS rn FROM staging_taxi_trips) WHERE rn = 1;
-- expect:
-- 1385	20207.68	3213.4	926	2023-01-02 00:17:13
