-- IGNORE NULLS: the first coin, by rank, with a max supply.
SELECT ARRAY_AGG(id IGNORE NULLS ORDER BY market_cap_rank)[OFFSET(0)],
       ARRAY_AGG(IF(max_supply IS NULL, NULL, id) IGNORE NULLS ORDER BY market_cap_rank)[OFFSET(0)]
FROM crypto.coins;
-- sqlite: SELECT (SELECT id FROM coins ORDER BY market_cap_rank LIMIT 1), (SELECT id FROM coins WHERE max_supply IS NOT NULL ORDER BY market_cap_rank LIMIT 1);
-- expect:
-- bitcoin	bitcoin
