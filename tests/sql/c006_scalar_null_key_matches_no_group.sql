-- A NULL outer key matches no group, as = says (NULL = NULL is not true):
-- the coins without a max_supply count 0 coins of their max_supply, the
-- others at least themselves; a FLOAT64 key, on 16 blocks.
-- setup: CREATE OR REPLACE TABLE crypto.coins16 OPTIONS (block_rows = 16) AS SELECT * FROM crypto.coins
SELECT max_supply IS NULL, COUNT(*), SUM(n), MIN(n)
FROM (SELECT max_supply, (SELECT COUNT(*) FROM crypto.coins16 c2 WHERE c2.max_supply = c1.max_supply) AS n FROM crypto.coins16 c1)
GROUP BY 1 ORDER BY 1;
-- sqlite: SELECT max_supply IS NULL, COUNT(*), SUM(n), MIN(n) FROM (SELECT max_supply, (SELECT COUNT(*) FROM coins c2 WHERE c2.max_supply = c1.max_supply) AS n FROM coins c1) GROUP BY 1 ORDER BY 1;
-- expect:
-- 0	133	857	1
-- 1	117	0	0
