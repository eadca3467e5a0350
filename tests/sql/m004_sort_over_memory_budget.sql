-- ORDER BY holds the rows it sorts: past the budget, an error naming it.
-- memory: 8K
SELECT fare_amount FROM taxi_data.staging_taxi_trips ORDER BY 1;
-- error: ORDER BY (the rows it sorts) needs more memory than the query's budget of 8K
