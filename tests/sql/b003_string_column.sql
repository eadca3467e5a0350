-- STRING is 2 bytes + the UTF-8 length: store_and_fwd_flag is 'N' or 'Y' in
-- every row, so 1500 x (2 + 1) = 4500 bytes.
SELECT COUNT(DISTINCT store_and_fwd_flag) FROM taxi_data.staging_taxi_trips;
-- bytes: processed=4500 estimate=4500 billed=10485760
-- expect:
-- 2
