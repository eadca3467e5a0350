SELECT symbol, ROUND(SAFE_DIVIDE(market_cap, total_volume), 3) FROM crypto.coins ORDER BY market_cap_rank LIMIT 5;
-- sqlite: SELECT symbol, ROUND(market_cap * 1.0 / NULLIF(total_volume, 0), 3) FROM coins ORDER BY market_cap_rank LIMIT 5
-- expect:
-- btc	93.372
-- eth	27.039
-- usdt	5.606
-- xrp	42.732
-- sol	28.406
