WITH top AS (SELECT id FROM crypto.coins) SELECT * FROM tops
-- error: Not found: Table tops
