SELECT COUNT(*) FROM crypto.coins WHERE high_24h IS NULL OR low_24h IS NULL;
-- expect:
-- 1
