SELECT COUNT(*) FROM crypto.coins WHERE (max_supply - total_supply) IS NULL;
-- expect:
-- 117
