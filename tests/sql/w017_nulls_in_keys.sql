SELECT symbol, max_supply, RANK() OVER (ORDER BY max_supply), RANK() OVER (ORDER BY max_supply DESC),
ROW_NUMBER() OVER (PARTITION BY fully_diluted_valuation IS NULL ORDER BY market_cap_rank)
FROM crypto.coins WHERE market_cap_rank <= 12 ORDER BY market_cap_rank;
-- expect:
-- btc	21000000.0	9	4	1
-- eth	NULL	1	6	2
-- usdt	NULL	1	6	3
-- xrp	100000000000.0	12	1	4
-- sol	NULL	1	6	5
-- bnb	200000000.0	10	3	6
-- usdc	NULL	1	6	7
-- doge	NULL	1	6	8
-- steth	NULL	1	6	9
-- ada	45000000000.0	11	2	10
-- trx	NULL	1	6	11
-- wbtc	129138.42002211	8	5	12
