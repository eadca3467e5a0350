SELECT max_supply FROM crypto.coins WHERE market_cap_rank <= 6 ORDER BY max_supply NULLS LAST, market_cap_rank;
-- sqlite: SELECT max_supply FROM coins WHERE market_cap_rank <= 6 ORDER BY max_supply NULLS LAST, market_cap_rank
-- expect:
-- 21000000.0
-- 200000000.0
-- 100000000000.0
-- NULL
-- NULL
-- NULL
