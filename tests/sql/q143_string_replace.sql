SELECT REPLACE(id, '-', '_') FROM crypto.coins WHERE id LIKE '%-%' ORDER BY id LIMIT 4;
-- expect:
-- aerodrome_finance
-- ai_companions
-- aioz_network
-- akash_network
