-- CREATE TABLE (columns) AS SELECT: the list names and types the columns,
-- the query fills them (an untyped NULL becomes NUMERIC).  16 blocks.
-- setup: CREATE OR REPLACE TABLE crypto.ranked (coin STRING NOT NULL, rank_no INT64, price FLOAT64, note NUMERIC) OPTIONS (block_rows = 16) AS SELECT id, market_cap_rank, market_cap_rank, NULL FROM crypto.coins
SELECT COUNT(*), COUNT(note), SUM(rank_no), SUM(price), MIN(coin) FROM crypto.ranked;
-- sqlite: SELECT COUNT(*), 0, SUM(market_cap_rank), SUM(market_cap_rank), MIN(id) FROM coins;
-- bytes: blocks=16/16
-- expect:
-- 250	0	31375	31375	1inch
