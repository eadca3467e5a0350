SELECT COUNT(*) FROM crypto.coins WHERE atl_date < '2018-01-01';
-- expect:
-- 16
