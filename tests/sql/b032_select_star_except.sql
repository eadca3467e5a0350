-- SELECT * EXCEPT leaves its columns out of the bytes; LIMIT leaves out
-- nothing.  Of b021's 208500 bytes for every column of trips_blocks:
--   minus store_and_fwd_flag (4500) and airport_fee (4000) = 200000.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_blocks OPTIONS (block_rows = 100) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT * EXCEPT (store_and_fwd_flag, airport_fee) FROM taxi_data.trips_blocks LIMIT 1;
-- bytes: processed=200000 estimate=200000 billed=10485760 partitions=1/1 blocks=15/15 pipe_read=1
