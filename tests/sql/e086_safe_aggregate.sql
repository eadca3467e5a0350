-- SAFE. is for scalar functions here.
SELECT SAFE.SUM(fare_amount) FROM taxi_data.staging_taxi_trips;
-- error: SAFE. is for scalar functions (sum) at [2:13]
