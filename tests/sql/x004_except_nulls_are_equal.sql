SELECT max_supply FROM crypto.coins WHERE market_cap_rank <= 10
EXCEPT DISTINCT SELECT max_supply FROM crypto.coins WHERE market_cap_rank BETWEEN 5 AND 20 ORDER BY 1;
-- sqlite: SELECT max_supply FROM coins WHERE market_cap_rank <= 10
-- sqlite: EXCEPT SELECT max_supply FROM coins WHERE market_cap_rank BETWEEN 5 AND 20 ORDER BY 1
-- expect:
-- 21000000.0
-- 100000000000.0
