SELECT symbol, ROUND(current_price, 4) FROM crypto.coins WHERE current_price BETWEEN 0.99 AND 1.01 ORDER BY market_cap_rank LIMIT 6;
-- expect:
-- usdt	1.0002
-- usdc	1.0
-- usds	1.0023
-- usde	1.0005
-- dai	0.9999
-- fdusd	0.9974
