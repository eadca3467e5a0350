-- The queries of crypto_report (pipelines/crypto.pipe).

-- name: top_market_cap
-- The ten largest coins by market capitalisation, in billions of US dollars.
SELECT name, ROUND(market_cap / 1e9, 1) AS market_cap_bn_usd, ROUND(current_price, 4) AS price_usd,
       ROUND(price_change_percentage_24h, 2) AS change_24h_pct
FROM crypto.crypto_prices
ORDER BY market_cap DESC
LIMIT 10;

-- name: movers_24h
-- Among the top 100, the ten whose price moved most in 24 hours, up or down.
SELECT name, ROUND(price_change_percentage_24h, 2) AS change_24h_pct, ROUND(current_price, 4) AS price_usd,
       market_cap_rank
FROM crypto.crypto_prices
WHERE market_cap_rank <= 100
ORDER BY ABS(price_change_percentage_24h) DESC
LIMIT 10;

-- name: coins
-- One row per coin however many hours were merged: rows equals distinct ids.
SELECT COUNT(*) AS row_count, COUNT(DISTINCT id) AS coins,
       MIN(last_updated) AS oldest_update, MAX(last_updated) AS newest_update
FROM crypto.crypto_prices;
