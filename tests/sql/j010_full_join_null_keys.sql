SELECT a.symbol, b.symbol FROM (SELECT symbol, max_supply FROM crypto.coins WHERE market_cap_rank <= 4) a
FULL JOIN (SELECT symbol, max_supply FROM crypto.coins WHERE market_cap_rank BETWEEN 3 AND 6) b ON a.max_supply = b.max_supply
ORDER BY a.symbol, b.symbol;
-- expect:
-- NULL	bnb
-- NULL	sol
-- NULL	usdt
-- btc	NULL
-- eth	NULL
-- usdt	NULL
-- xrp	xrp
