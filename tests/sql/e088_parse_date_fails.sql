-- A string the format does not read whole fails, naming both; SAFE.PARSE_DATE
-- would give NULL.
SELECT PARSE_DATE('%Y-%m-%d', store_and_fwd_flag) FROM taxi_data.staging_taxi_trips;
-- error: Failed to parse input string "N" with format "%Y-%m-%d" (PARSE_DATE)
