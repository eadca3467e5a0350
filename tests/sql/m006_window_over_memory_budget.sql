-- An analytic function holds its input: one batch of rows past the budget (the
-- table's one block of 1,500 rows; it cannot spill less) is an error naming it.
-- memory: 32768
SELECT ROW_NUMBER() OVER (ORDER BY fare_amount) FROM taxi_data.staging_taxi_trips;
-- error: an analytic function (the rows of its window) needs more memory than the query's budget of 32K
