SELECT symbol, current_price > 1000 AS big FROM crypto.coins WHERE market_cap_rank <= 5 ORDER BY big DESC, symbol;
-- expect:
-- btc	1
-- eth	1
-- sol	0
-- usdt	0
-- xrp	0
