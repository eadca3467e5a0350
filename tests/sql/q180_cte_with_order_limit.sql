WITH top AS (SELECT symbol, market_cap FROM crypto.coins ORDER BY market_cap DESC LIMIT 3) SELECT symbol FROM top ORDER BY symbol;
-- expect:
-- btc
-- eth
-- usdt
