-- SAFE_OFFSET past the end is NULL; OFFSET past it is BigQuery's error.
SELECT ARRAY_AGG(id ORDER BY market_cap_rank)[SAFE_OFFSET(250)], ARRAY_AGG(id ORDER BY market_cap_rank)[SAFE_OFFSET(249)]
FROM crypto.coins;
-- sqlite: SELECT NULL, (SELECT id FROM coins ORDER BY market_cap_rank LIMIT 1 OFFSET 249);
-- expect:
-- NULL	basic-attention-token
