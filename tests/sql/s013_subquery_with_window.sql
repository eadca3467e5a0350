SELECT symbol FROM crypto.coins WHERE id IN (SELECT id FROM crypto.coins QUALIFY ROW_NUMBER() OVER (ORDER BY total_volume DESC) <= 3) ORDER BY 1;
-- sqlite: SELECT symbol FROM coins WHERE id IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY total_volume DESC) AS rn FROM coins) WHERE rn <= 3) ORDER BY 1
-- expect:
-- btc
-- eth
-- usdt
