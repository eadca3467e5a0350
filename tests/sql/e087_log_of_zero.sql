-- A logarithm of zero does not exist: an error, not -inf.
SELECT LN(fare_amount) FROM taxi_data.staging_taxi_trips;
-- error: Argument of LN must be positive
