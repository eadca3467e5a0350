-- %d takes an INT64.
SELECT FORMAT('%d', fare_amount) FROM taxi_data.staging_taxi_trips;
-- error: FORMAT: %d takes an INT64, not a FLOAT64
