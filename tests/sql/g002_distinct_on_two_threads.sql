-- A DISTINCT of two keys over 24 blocks, on two threads: the pairs one
-- thread saw and the other did not, and those both did, once each.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips64 OPTIONS (block_rows = 64) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT COUNT(*), SUM(pulocationid), SUM(dolocationid)
FROM (SELECT DISTINCT pulocationid, dolocationid FROM taxi_data.trips64);
-- sqlite: SELECT COUNT(*), SUM(pulocationid), SUM(dolocationid) FROM (SELECT DISTINCT pulocationid, dolocationid FROM staging_taxi_trips);
-- bytes: processed=24000 estimate=24000 billed=10485760 partitions=1/1 blocks=24/24 pipe_read=24
-- expect:
-- 989	157474	152161
