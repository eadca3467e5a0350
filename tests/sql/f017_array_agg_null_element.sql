-- An array may not hold NULL (BigQuery's error); IGNORE NULLS leaves them out.
SELECT ARRAY_AGG(max_supply ORDER BY market_cap_rank)[OFFSET(0)] FROM crypto.coins;
-- error: Array cannot have a null element
