-- A comma join with a parenthesised join on its right.
SELECT COUNT(*) FROM (SELECT id FROM crypto.coins WHERE market_cap_rank <= 2) x,
  ((SELECT id AS b FROM crypto.coins WHERE market_cap_rank <= 5) y JOIN (SELECT id AS c FROM crypto.coins) z ON b = c);
-- sqlite: SELECT COUNT(*) FROM (SELECT id FROM coins WHERE market_cap_rank <= 2) x, ((SELECT id AS b FROM coins WHERE market_cap_rank <= 5) y JOIN (SELECT id AS c FROM coins) z ON b = c);
-- expect:
-- 10
