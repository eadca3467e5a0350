SELECT LOWER(name), UPPER(symbol) FROM crypto.coins ORDER BY market_cap_rank LIMIT 3;
-- expect:
-- bitcoin	BTC
-- ethereum	ETH
-- tether	USDT
