-- GENERATE_ARRAY of column values, an array per row.
SELECT market_cap_rank, GENERATE_ARRAY(market_cap_rank, 7, 2), ARRAY_LENGTH(GENERATE_ARRAY(1, market_cap_rank))
FROM crypto.coins WHERE market_cap_rank <= 3 ORDER BY 1;
-- nosqlite
-- expect:
-- 1	[1, 3, 5, 7]	1
-- 2	[2, 4, 6]	2
-- 3	[3, 5, 7]	3
