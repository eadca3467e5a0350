SELECT market_cap_rank, symbol, market_cap FROM crypto.coins ORDER BY market_cap DESC LIMIT 5;
-- expect:
-- 1	btc	1903746811536
-- 2	eth	318350857183
-- 3	usdt	141757641379
-- 4	xrp	139343086263
-- 5	sol	97848064373
