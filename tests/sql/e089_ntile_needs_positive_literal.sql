-- NTILE's bucket count is a positive INT64 literal.
SELECT NTILE(0) OVER (ORDER BY fare_amount) FROM taxi_data.staging_taxi_trips;
-- error: Argument to NTILE must be a positive INT64 literal at [2:14]
