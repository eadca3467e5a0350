SELECT COUNT(*), MIN(market_cap_rank), MAX(market_cap_rank) FROM crypto.watchlist;
-- nosqlite
-- expect:
-- 15	1	105
