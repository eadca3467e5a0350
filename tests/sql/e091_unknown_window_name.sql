-- OVER a name the WINDOW clause does not give.
SELECT SUM(fare_amount) OVER w FROM taxi_data.staging_taxi_trips WINDOW v AS (ORDER BY fare_amount);
-- error: Unrecognized window alias w at [2:30]
