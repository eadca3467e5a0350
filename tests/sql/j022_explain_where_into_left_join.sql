-- A comma join under a LEFT JOIN (FROM a, b LEFT JOIN c ...): the WHERE's
-- conjuncts on the preserved side's columns alone also go into its chain,
-- so a.k = b.k is a hash key there, not a filter over a cross product;
-- the WHERE still filters the result whole above the LEFT JOIN.
-- explain
-- setup: CREATE OR REPLACE TABLE crypto.coins10 OPTIONS (block_rows = 4) AS SELECT * FROM crypto.coins WHERE market_cap_rank <= 10
SELECT COUNT(*) FROM crypto.coins10 a, crypto.coins b
LEFT JOIN crypto.coins c ON b.id = c.id AND c.market_cap_rank < 5
WHERE a.market_cap_rank = b.market_cap_rank AND c.symbol IS NULL AND b.symbol <> 'x';
-- expect:
-- project f0_
--   aggregate: 0 keys, 1 aggregate
--     filter (estimated 64 rows) ((a.market_cap_rank = b.market_cap_rank AND c.symbol IS NULL) AND b.symbol != 'x')
--       join left (estimated 126 rows; holds its second input, estimated 126 rows): hash keys b.id = c.id
--         project id, symbol, name, current_price, market_cap, market_cap_rank, fully_diluted_valuation, total_volume, … (48 columns)
--           join inner (estimated 126 rows; holds its second input, estimated 10 rows): hash keys b.market_cap_rank = a.market_cap_rank
--             filter (estimated 126 rows) b.symbol != 'x'
--               scan crypto.coins AS b (250 rows): partitions 1/1, blocks 1/1; columns id, symbol, market_cap_rank
--             scan crypto.coins10 AS a (10 rows): partitions 1/1, blocks 3/3; columns market_cap_rank
--         filter (estimated 126 rows) c.market_cap_rank < 5
--           scan crypto.coins AS c (250 rows): partitions 1/1, blocks 1/1; columns id, symbol, market_cap_rank; pruned by market_cap_rank < 5
