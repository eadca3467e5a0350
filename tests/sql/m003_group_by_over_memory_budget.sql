-- GROUP BY holds a row per group: past the budget, an error naming it.
-- memory: 20000
SELECT tpep_pickup_datetime, COUNT(*) FROM taxi_data.staging_taxi_trips GROUP BY 1;
-- error: GROUP BY or DISTINCT (its groups) needs more memory than the query's budget of 20000 bytes
