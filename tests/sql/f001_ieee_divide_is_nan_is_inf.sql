-- IEEE_DIVIDE divides as IEEE 754 does, where / fails: x / 0 is +-inf,
-- 0 / 0 NaN; IS_INF and IS_NAN find them.  In 16 blocks: 2 coins trade no
-- volume, 1 had no price change.
-- setup: CREATE OR REPLACE TABLE crypto.coins16 OPTIONS (block_rows = 16) AS SELECT * FROM crypto.coins
SELECT COUNTIF(IS_INF(IEEE_DIVIDE(market_cap, total_volume))),
       COUNTIF(IS_NAN(IEEE_DIVIDE(price_change_24h, price_change_24h))),
       COUNTIF(IS_NAN(IEEE_DIVIDE(market_cap, total_volume))),
       SUM(IEEE_DIVIDE(market_cap_rank, 4))
FROM crypto.coins16;
-- sqlite: SELECT SUM(total_volume = 0), SUM(price_change_24h = 0), 0, SUM(market_cap_rank / 4.0) FROM coins;
-- expect:
-- 2	1	0	7843.75
