-- PERCENTILE_CONT orders by its argument: an ORDER BY of its own is refused.
SELECT PERCENTILE_CONT(fare_amount, 0.5) OVER (ORDER BY trip_distance) FROM taxi_data.staging_taxi_trips;
-- error: Window ORDER BY is not allowed for analytic function PERCENTILE_CONT
