SELECT symbol, market_cap_rank, LAG(symbol) OVER (ORDER BY market_cap_rank),
LEAD(current_price, 2, 0.0) OVER (ORDER BY market_cap_rank), LAG(market_cap_rank, 3, -1) OVER (ORDER BY market_cap_rank),
LEAD(symbol, 0) OVER (ORDER BY market_cap_rank)
FROM crypto.coins WHERE market_cap_rank <= 12 ORDER BY market_cap_rank;
-- expect:
-- btc	1	NULL	1.000150209258716	-1	btc
-- eth	2	btc	2.414065595421122	-1	eth
-- usdt	3	eth	200.71201222832673	-1	usdt
-- xrp	4	usdt	623.9755716008882	1	xrp
-- sol	5	xrp	1.0000005036420196	2	sol
-- bnb	6	sol	0.25185317425313614	3	bnb
-- usdc	7	bnb	2642.2352533729286	4	usdc
-- doge	8	usdc	0.6912942767659241	5	doge
-- steth	9	doge	0.23659864443384748	6	steth
-- ada	10	steth	95892.54248465662	7	ada
-- trx	11	ada	0.0	8	trx
-- wbtc	12	trx	0.0	9	wbtc
