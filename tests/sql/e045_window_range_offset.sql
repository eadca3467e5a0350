SELECT SUM(market_cap_rank) OVER (ORDER BY market_cap_rank RANGE BETWEEN 2 PRECEDING AND CURRENT ROW) FROM crypto.coins
-- error: RANGE frames with an offset are not supported; use ROWS at [1:60]
