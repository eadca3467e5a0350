SELECT * FROM taxi_data.staging_taxi_trip
-- error: Did you mean staging_taxi_trips? at [1:15]
