-- Eight 10-row tables joined by commas, the equalities in WHERE: as a
-- cross product that is 10^8 rows; planned as hash joins it answers at
-- once.
-- setup: CREATE OR REPLACE TABLE crypto.coins10 OPTIONS (block_rows = 4) AS SELECT * FROM crypto.coins WHERE market_cap_rank <= 10
SELECT a.symbol, h.name, e.market_cap_rank
FROM crypto.coins10 a, crypto.coins10 b, crypto.coins10 c, crypto.coins10 d,
     crypto.coins10 e, crypto.coins10 f, crypto.coins10 g, crypto.coins10 h
WHERE a.id = b.id AND b.market_cap_rank = c.market_cap_rank AND c.symbol = d.symbol
  AND d.id = e.id AND e.id = f.id AND f.market_cap_rank = g.market_cap_rank + 0 AND g.id = h.id
  AND a.market_cap_rank <= 3
ORDER BY 1;
-- sqlite: WITH coins10 AS (SELECT * FROM coins WHERE market_cap_rank <= 10) SELECT a.symbol, h.name, e.market_cap_rank FROM coins10 a, coins10 b, coins10 c, coins10 d, coins10 e, coins10 f, coins10 g, coins10 h WHERE a.id = b.id AND b.market_cap_rank = c.market_cap_rank AND c.symbol = d.symbol AND d.id = e.id AND e.id = f.id AND f.market_cap_rank = g.market_cap_rank + 0 AND g.id = h.id AND a.market_cap_rank <= 3 ORDER BY 1;
-- expect:
-- btc	Bitcoin	1
-- eth	Ethereum	2
-- usdt	Tether	3
