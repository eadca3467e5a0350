SELECT vendorid FROM taxi_data.staging_taxi_trips WHERE SUM(fare_amount) > 0
-- error: Aggregate function SUM not allowed in WHERE clause at [1:57]
