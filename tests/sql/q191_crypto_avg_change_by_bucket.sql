SELECT IF(market_cap_rank <= 50, 'top50', 'rest') AS tier, ROUND(AVG(price_change_percentage_24h), 6), COUNT(price_change_percentage_24h) FROM crypto.coins GROUP BY tier ORDER BY tier;
-- sqlite: SELECT iif(market_cap_rank <= 50, 'top50', 'rest') AS tier, ROUND(AVG(price_change_percentage_24h), 6), COUNT(price_change_percentage_24h) FROM coins GROUP BY tier ORDER BY tier
-- expect:
-- rest	1.103152	199
-- top50	0.571444	50
