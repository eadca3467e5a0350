SELECT c.symbol, t.n FROM (SELECT pulocationid AS r, COUNT(*) AS n FROM taxi_data.staging_taxi_trips GROUP BY 1) t
RIGHT OUTER JOIN crypto.coins c ON t.r = c.market_cap_rank AND t.n > 3 WHERE c.market_cap_rank <= 12 ORDER BY c.market_cap_rank;
-- expect:
-- btc	NULL
-- eth	NULL
-- usdt	NULL
-- xrp	4
-- sol	NULL
-- bnb	NULL
-- usdc	NULL
-- doge	NULL
-- steth	NULL
-- ada	NULL
-- trx	NULL
-- wbtc	NULL
