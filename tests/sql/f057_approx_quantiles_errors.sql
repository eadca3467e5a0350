-- The number of quantiles is a constant of at least 1.
SELECT APPROX_QUANTILES(fare_amount, 0) FROM taxi_data.staging_taxi_trips;
-- error: APPROX_QUANTILES' number must be a constant INT64 from 1 to 100000
