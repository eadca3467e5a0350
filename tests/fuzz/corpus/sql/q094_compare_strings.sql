SELECT COUNT(*) FROM crypto.coins WHERE symbol > 'm' AND symbol <= 'x';
-- expect:
-- 121
