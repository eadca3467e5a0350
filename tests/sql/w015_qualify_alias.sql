SELECT symbol, RANK() OVER (ORDER BY total_volume DESC) AS r FROM crypto.coins QUALIFY r <= 3 ORDER BY r;
-- sqlite: SELECT symbol, r FROM (SELECT symbol, RANK() OVER (ORDER BY total_volume DESC) AS r FROM coins) WHERE r <= 3 ORDER BY r
-- expect:
-- usdt	1
-- btc	2
-- eth	3
