SELECT MIN(name), MAX(name), MIN(symbol) FROM crypto.coins;
-- expect:
-- 1inch	would	1inch
