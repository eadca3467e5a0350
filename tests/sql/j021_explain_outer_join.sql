-- --explain on outer joins: the equality is the hash key, a condition on
-- the side a LEFT JOIN fills with NULLs filters it first, the rest of ON
-- is the residual; a FULL JOIN ON TRUE has no keys.  A WHERE on the
-- NULL-filled side stays above the join.
-- explain
-- setup: CREATE OR REPLACE TABLE crypto.coins_blocks OPTIONS (block_rows = 50) AS SELECT * FROM crypto.coins
SELECT a.symbol, b.symbol, c.symbol FROM crypto.coins_blocks a
LEFT JOIN crypto.coins b ON a.id = b.id AND b.market_cap_rank < 10 AND a.market_cap_rank + b.market_cap_rank = 4
FULL JOIN (SELECT symbol FROM crypto.coins WHERE market_cap_rank = 1) c ON TRUE
WHERE b.symbol IS NULL AND a.market_cap_rank <= 60;
-- expect:
-- project symbol, symbol, symbol
--   filter (estimated 126 rows) (b.symbol IS NULL AND a.market_cap_rank <= 60)
--     join full (estimated 250 rows; holds its second input, estimated 126 rows): no hash keys, every pair
--       join left (estimated 250 rows; holds its second input, estimated 126 rows): hash keys a.id = b.id; residual (a.market_cap_rank + b.market_cap_rank) = 4
--         scan crypto.coins_blocks AS a (250 rows): partitions 1/1, blocks 2/5; columns id, symbol, market_cap_rank; pruned by market_cap_rank <= 60
--         filter (estimated 126 rows) b.market_cap_rank < 10
--           scan crypto.coins AS b (250 rows): partitions 1/1, blocks 1/1; columns id, symbol, market_cap_rank; pruned by market_cap_rank < 10
--       project symbol
--         filter (estimated 126 rows) coins.market_cap_rank = 1
--           scan crypto.coins (250 rows): partitions 1/1, blocks 1/1; columns symbol, market_cap_rank; pruned by market_cap_rank = 1
