SELECT symbol, ROUND(circulating_supply / max_supply, 4) AS ratio FROM crypto.coins WHERE max_supply > 0 ORDER BY ratio DESC, symbol LIMIT 5;
-- expect:
-- ai16z	1.0
-- aic	1.0
-- dog	1.0
-- fai	1.0
-- fartcoin	1.0
