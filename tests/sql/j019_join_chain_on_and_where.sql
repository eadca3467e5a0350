-- INNER JOINs and commas mixed, ON naming tables joined before, a LEFT
-- JOIN in the chain (one item: nothing moves across it), and WHERE
-- equalities between items: the rows as written, whatever the order run.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_blocks OPTIONS (block_rows = 100) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT t.vendorid, COUNT(*), COUNT(x.id), SUM(c.market_cap_rank), SUM(d.market_cap_rank)
FROM crypto.coins c
JOIN taxi_data.trips_blocks t ON t.dolocationid = c.market_cap_rank
LEFT JOIN crypto.coins x ON x.market_cap_rank = t.pulocationid AND x.market_cap_rank < 100,
crypto.coins d
WHERE d.market_cap_rank = c.market_cap_rank - 1 AND t.passenger_count > 0
GROUP BY 1 ORDER BY 1;
-- sqlite: SELECT t.vendorid, COUNT(*), COUNT(x.id), SUM(c.market_cap_rank), SUM(d.market_cap_rank) FROM coins c JOIN staging_taxi_trips t ON t.dolocationid = c.market_cap_rank LEFT JOIN coins x ON x.market_cap_rank = t.pulocationid AND x.market_cap_rank < 100, coins d WHERE d.market_cap_rank = c.market_cap_rank - 1 AND t.passenger_count > 0 GROUP BY 1 ORDER BY 1;
-- expect:
-- 1	537	91	83221	82684
-- 2	816	165	122477	121661
