SELECT COUNT(*), COUNT(x.id) FROM crypto.coins c LEFT JOIN (SELECT id FROM crypto.coins WHERE current_price > 100) x ON c.id = x.id;
-- expect:
-- 250	55
