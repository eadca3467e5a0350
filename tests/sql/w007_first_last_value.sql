SELECT symbol, FIRST_VALUE(symbol) OVER (PARTITION BY market_cap_rank <= 5 ORDER BY market_cap_rank),
LAST_VALUE(symbol) OVER (ORDER BY market_cap_rank ROWS BETWEEN CURRENT ROW AND 2 FOLLOWING),
LAST_VALUE(symbol) OVER (ORDER BY market_cap_rank),
FIRST_VALUE(current_price) OVER (ORDER BY market_cap_rank ROWS BETWEEN 3 PRECEDING AND 1 PRECEDING)
FROM crypto.coins WHERE market_cap_rank <= 10 ORDER BY market_cap_rank;
-- expect:
-- btc	btc	usdt	btc	NULL
-- eth	btc	xrp	eth	96114.08481738689
-- usdt	btc	sol	usdt	96114.08481738689
-- xrp	btc	bnb	xrp	96114.08481738689
-- sol	btc	usdc	sol	2642.2421635443243
-- bnb	bnb	doge	bnb	1.000150209258716
-- usdc	bnb	steth	usdc	2.414065595421122
-- doge	bnb	ada	doge	200.71201222832673
-- steth	bnb	ada	steth	623.9755716008882
-- ada	bnb	ada	ada	1.0000005036420196
