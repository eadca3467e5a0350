SELECT name FROM crypto.coins ORDER BY name LIMIT 5 OFFSET 1000;
-- expect:
