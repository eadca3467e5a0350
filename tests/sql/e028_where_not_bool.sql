SELECT COUNT(*) FROM crypto.coins WHERE market_cap_rank
-- error: WHERE clause should return type BOOL, but returns INT64 at [1:41]
