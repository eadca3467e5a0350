-- A subquery reads the columns it names, and its table counts once with
-- the query around it when both read the same table.  The outer query
-- reads symbol (STRING: 250 x 2 + 975 = 1475) and market_cap_rank (INT64,
-- 250 x 8 = 2000) of coins; the IN subquery reads market_cap_rank and
-- total_volume (FLOAT64, 250 x 8 = 2000) of coins again: the table's
-- three columns count once.  The scalar subquery reads vendorid of the
-- trips (INT64, 1500 x 8 = 12000), a second table with its own minimum.
--   coins: 1475 + 2000 + 2000 = 5475; trips: 12000; total 17475
--   billed: 2 x 10485760 = 20971520
SELECT symbol, (SELECT MAX(vendorid) FROM taxi_data.staging_taxi_trips) AS v
FROM crypto.coins
WHERE market_cap_rank IN (SELECT market_cap_rank FROM crypto.coins WHERE total_volume > 1e10)
ORDER BY market_cap_rank;
-- bytes: processed=17475 estimate=17475 billed=20971520 partitions=2/2 blocks=2/2
-- nosqlite
-- expect:
-- btc	2
-- eth	2
-- usdt	2
