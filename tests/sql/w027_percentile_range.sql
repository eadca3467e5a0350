-- The percentile is a literal from 0 to 1.
SELECT PERCENTILE_DISC(fare_amount, 2) OVER () FROM taxi_data.staging_taxi_trips;
-- error: Argument 2 to PERCENTILE_DISC must be a literal from 0 to 1
