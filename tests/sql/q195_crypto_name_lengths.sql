SELECT MAX(LENGTH(name)), MIN(LENGTH(symbol)) FROM crypto.coins;
-- expect:
-- 38	1
