SELECT last_updated FROM crypto.coins ORDER BY market_cap_rank LIMIT 3;
-- expect:
-- 2025-02-09 17:44:04.143
-- 2025-02-09 17:43:58.288
-- 2025-02-09 17:43:59.352
