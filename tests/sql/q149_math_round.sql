SELECT ROUND(current_price, 2), ROUND(current_price) FROM crypto.coins ORDER BY market_cap_rank LIMIT 3;
-- expect:
-- 96114.08	96114.0
-- 2642.24	2642.0
-- 1.0	1.0
