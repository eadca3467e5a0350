-- LIMIT and OFFSET take an integer literal in parentheses, on a table of
-- 16 blocks.
-- setup: CREATE OR REPLACE TABLE crypto.coins16 OPTIONS (block_rows = 16) AS SELECT * FROM crypto.coins
SELECT id FROM crypto.coins16 ORDER BY market_cap_rank LIMIT (3) OFFSET ((1));
-- sqlite: SELECT id FROM coins ORDER BY market_cap_rank LIMIT 3 OFFSET 1;
-- expect:
-- ethereum
-- tether
-- ripple
