-- CORR takes two numbers, and no DISTINCT.
SELECT CORR(DISTINCT fare_amount, tip_amount) FROM taxi_data.staging_taxi_trips;
-- error: DISTINCT is not allowed for CORR
