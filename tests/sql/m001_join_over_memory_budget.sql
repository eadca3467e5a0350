-- A join whose held side needs more than the memory budget stops with an
-- error naming the operator and the budget, before it allocates it.
-- memory: 16384
SELECT COUNT(*) FROM taxi_data.staging_taxi_trips a JOIN taxi_data.staging_taxi_trips b ON a.vendorid = b.vendorid;
-- error: JOIN (the hash table of the side it holds) needs more memory than the query's budget of 16K; raise it with pipe query --memory or PIPE_MEMORY (docs/sql.md#memory)
