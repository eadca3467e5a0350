SELECT symbol, current_price * 2 AS doubled FROM crypto.coins ORDER BY doubled DESC LIMIT 3;
-- expect:
-- btc.b	192748.6517273552
-- btc	192228.16963477377
-- cbbtc	192187.35898306337
