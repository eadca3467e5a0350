SELECT ROUND(SUM(CASE WHEN market_cap_rank <= 10 THEN total_volume ELSE 0 END) / SUM(total_volume), 6) FROM crypto.coins;
-- expect:
-- 0.767234
