SELECT id, market_cap_rank FROM crypto.watchlist WHERE market_cap_rank IS NULL;
-- nosqlite
-- expect:
-- manual	NULL
