SELECT id FROM crypto.coins WHERE market_cap_rank IN (SELECT vendorid FROM taxi_data.staging_taxi_trips WHERE pulocationid = market_cap)
-- error: Correlated subqueries are not supported: market_cap names a column of the query around the subquery; write a JOIN at [1:126]
