-- FULL JOIN ON TRUE is a cross product, but a side with no rows leaves
-- the other's rows, NULL-extended; ON FALSE matches nothing.
SELECT a.symbol, b.symbol, c.symbol
FROM (SELECT symbol FROM crypto.coins WHERE market_cap_rank <= 3) a
FULL JOIN (SELECT symbol FROM crypto.coins WHERE market_cap_rank > 1000) b ON TRUE
FULL JOIN (SELECT symbol FROM crypto.coins WHERE market_cap_rank = 4) c ON FALSE
ORDER BY 1 NULLS LAST;
-- sqlite: SELECT a.symbol, b.symbol, c.symbol FROM (SELECT symbol FROM coins WHERE market_cap_rank <= 3) a FULL JOIN (SELECT symbol FROM coins WHERE market_cap_rank > 1000) b ON 1 FULL JOIN (SELECT symbol FROM coins WHERE market_cap_rank = 4) c ON 0 ORDER BY a.symbol IS NULL, 1;
-- expect:
-- btc	NULL	NULL
-- eth	NULL	NULL
-- usdt	NULL	NULL
-- NULL	NULL	xrp
