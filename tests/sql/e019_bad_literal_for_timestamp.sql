SELECT COUNT(*) FROM taxi_data.staging_taxi_trips WHERE tpep_pickup_datetime > 'yesterday'
-- error: Could not cast literal "yesterday" to type TIMESTAMP at [1:80]
