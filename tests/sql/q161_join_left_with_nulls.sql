SELECT c.symbol, x.n FROM crypto.coins c LEFT JOIN (SELECT market_cap_rank AS r, 1 AS n FROM crypto.coins WHERE max_supply IS NOT NULL) x ON c.market_cap_rank = x.r WHERE c.market_cap_rank <= 6 ORDER BY c.market_cap_rank;
-- expect:
-- btc	1
-- eth	NULL
-- usdt	NULL
-- xrp	1
-- sol	NULL
-- bnb	1
