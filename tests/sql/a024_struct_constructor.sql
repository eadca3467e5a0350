-- STRUCT(x AS a, y) in the select list: its fields found as s.a, s.y, and
-- as the argument of the dedup idiom.
-- setup: CREATE OR REPLACE TABLE crypto.coins16 OPTIONS (block_rows = 16) AS SELECT * FROM crypto.coins
SELECT MOD(s.r, 2) AS odd, s.id, s.r
FROM (SELECT ARRAY_AGG(STRUCT(id, market_cap_rank AS r) ORDER BY market_cap_rank DESC LIMIT 1)[OFFSET(0)] AS s
      FROM crypto.coins16 GROUP BY MOD(market_cap_rank, 2))
ORDER BY odd;
-- sqlite: SELECT market_cap_rank % 2, id, market_cap_rank FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY market_cap_rank % 2 ORDER BY market_cap_rank DESC) AS rn FROM coins) WHERE rn = 1 ORDER BY 1;
-- expect:
-- 0	basic-attention-token	250
-- 1	cat-in-a-dogs-world	249
