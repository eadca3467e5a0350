-- A CTAS keeps the SELECT's names and types.
-- setup: CREATE OR REPLACE TABLE crypto.coin_summary AS SELECT UPPER(symbol) AS sym, market_cap_rank <= 10 AS top10, DATE(last_updated) AS day, ROUND(current_price, 2) AS price FROM crypto.coins
SELECT sym, top10, day, price FROM crypto.coin_summary ORDER BY price DESC LIMIT 3;
-- sqlite: SELECT upper(symbol), market_cap_rank <= 10, date(last_updated), round(current_price, 2) AS p FROM coins ORDER BY p DESC LIMIT 3;
-- expect:
-- BTC.B	0	2025-02-09	96374.33
-- BTC	1	2025-02-09	96114.08
-- CBBTC	0	2025-02-09	96093.68
