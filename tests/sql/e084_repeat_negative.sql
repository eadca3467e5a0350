-- REPEAT of a negative count fails, as BigQuery's.
SELECT REPEAT(store_and_fwd_flag, -vendorid) FROM taxi_data.staging_taxi_trips;
-- error: Second argument in REPEAT() cannot be negative
