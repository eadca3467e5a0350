-- ORDER BY spills to disk what it holds, but one batch of rows (here the
-- table's one block of 1,500 rows) past the budget is an error naming it.
-- memory: 8K
SELECT fare_amount FROM taxi_data.staging_taxi_trips ORDER BY 1;
-- error: ORDER BY (the rows it sorts) needs more memory than the query's budget of 8K
