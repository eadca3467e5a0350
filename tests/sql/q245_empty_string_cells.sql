-- An empty string is a cell like any other: each row is three cells, the
-- first and the last empty, and a row missing or adding an empty cell
-- differs from it.
SELECT * EXCEPT (pad) FROM (
  SELECT '' AS pad, '' AS lead, symbol, SUBSTR(name, 100) AS tail
  FROM crypto.coins WHERE market_cap_rank <= 3)
ORDER BY symbol;
-- sqlite: SELECT '', symbol, substr(name, 100) FROM coins WHERE market_cap_rank <= 3 ORDER BY symbol;
-- expect:
-- 	btc	
-- 	eth	
-- 	usdt	
