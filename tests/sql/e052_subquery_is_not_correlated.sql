SELECT symbol FROM crypto.coins c WHERE EXISTS (SELECT 1 FROM taxi_data.staging_taxi_trips t WHERE t.vendorid = c.market_cap_rank)
-- error: Correlated subqueries are not supported: c.market_cap_rank names a column of the query around the subquery; write a JOIN at [1:115]
