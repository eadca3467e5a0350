SELECT symbol, ROW_NUMBER() OVER (ORDER BY name DESC, id) AS a,
RANK() OVER (PARTITION BY LENGTH(symbol) ORDER BY IF(market_cap_rank < 10, NULL, symbol) DESC) AS b,
DENSE_RANK() OVER (ORDER BY IF(market_cap_rank < 10, NULL, symbol)) AS c,
ROW_NUMBER() OVER (ORDER BY CAST(current_price AS NUMERIC) DESC) AS d
FROM crypto.coins WHERE market_cap_rank <= 30 ORDER BY a;
-- sqlite: SELECT symbol, ROW_NUMBER() OVER (ORDER BY name DESC, id) AS a, RANK() OVER (PARTITION BY LENGTH(symbol) ORDER BY CASE WHEN market_cap_rank < 10 THEN NULL ELSE symbol END DESC NULLS LAST) AS b, DENSE_RANK() OVER (ORDER BY CASE WHEN market_cap_rank < 10 THEN NULL ELSE symbol END) AS c, ROW_NUMBER() OVER (ORDER BY current_price DESC) AS d FROM coins WHERE market_cap_rank <= 30 ORDER BY a
-- expect:
-- xrp	1	11	1	20
-- wsteth	2	1	21	3
-- wbtc	3	2	19	2
-- weth	4	1	20	6
-- usds	5	3	18	21
-- usdc	6	10	1	24
-- ton	7	3	15	18
-- usdt	8	10	1	23
-- trx	9	2	16	28
-- sui	10	4	14	19
-- xlm	11	1	22	26
-- sol	12	11	1	9
-- shib	13	5	13	30
-- dot	14	7	6	17
-- om	15	1	12	16
-- ltc	16	5	11	10
-- steth	17	1	1	5
-- leo	18	6	9	14
-- hype	19	7	8	12
-- hbar	20	8	7	29
-- eth	21	11	1	4
-- usde	22	4	17	22
-- doge	23	10	1	27
-- link	24	6	10	13
-- ada	25	10	2	25
-- bgb	26	8	5	15
-- bch	27	9	4	8
-- btc	28	11	1	1
-- bnb	29	11	1	7
-- avax	30	9	3	11
