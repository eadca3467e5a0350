-- A comma join under a FULL JOIN is a side the join fills with NULLs: a
-- WHERE conjunct on its columns alone must not filter it early (a.id IS
-- NULL holds for the rows the FULL JOIN adds, which filtering first
-- would change).
-- setup: CREATE OR REPLACE TABLE crypto.coins10 OPTIONS (block_rows = 4) AS SELECT * FROM crypto.coins WHERE market_cap_rank <= 10
SELECT COUNT(*), COUNT(a.id), COUNT(c.id) FROM crypto.coins10 a, crypto.coins10 b
FULL JOIN crypto.coins c ON b.id = c.id
WHERE a.id IS NULL OR (a.market_cap_rank = 1 AND b.market_cap_rank <= 5);
-- sqlite: WITH coins10 AS (SELECT * FROM coins WHERE market_cap_rank <= 10) SELECT COUNT(*), COUNT(a.id), COUNT(c.id) FROM coins10 a, coins10 b FULL JOIN coins c ON b.id = c.id WHERE a.id IS NULL OR (a.market_cap_rank = 1 AND b.market_cap_rank <= 5);
-- expect:
-- 245	5	245
