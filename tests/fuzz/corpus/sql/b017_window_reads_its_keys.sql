-- A window reads the columns of its arguments and its PARTITION BY and
-- ORDER BY keys, each counted once however often the query names it:
-- symbol (STRING, 250 values of 975 characters in all: 250 x 2 + 975 =
-- 1475 bytes) and market_cap_rank (INT64, 250 x 8 = 2000 bytes).
--   1475 + 2000 = 3475
SELECT symbol, ROW_NUMBER() OVER (PARTITION BY SUBSTR(symbol, 1, 1) ORDER BY market_cap_rank) AS rn
FROM crypto.coins
QUALIFY rn = 1 AND symbol = 'btc';
-- bytes: processed=3475 estimate=3475 billed=10485760 partitions=1/1 blocks=1/1
-- nosqlite
-- expect:
-- btc	1
