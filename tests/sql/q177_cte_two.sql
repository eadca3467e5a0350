WITH a AS (SELECT id, current_price FROM crypto.coins WHERE market_cap_rank <= 20), b AS (SELECT id FROM a WHERE current_price > 10) SELECT COUNT(*) FROM b;
-- expect:
-- 9
