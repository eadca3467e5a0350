SELECT name FROM crypto.coins ORDER BY name LIMIT 0;
-- expect:
