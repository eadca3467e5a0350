-- RESPECT NULLS can take a NULL, which an array in a result cannot hold.
SELECT APPROX_QUANTILES(airport_fee, 2 RESPECT NULLS) AS fees FROM taxi_data.staging_taxi_trips;
-- error: Array cannot have a null element; error in writing field fees
