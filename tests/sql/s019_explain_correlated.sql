-- pipe query --explain on correlated subqueries: each is a plan of its
-- own, its filters naming the columns of the query around ("outer c.…"),
-- run once per distinct row of them (and of IN's operand).
-- explain
SELECT c.id FROM crypto.coins c
WHERE EXISTS (SELECT 1 FROM taxi_data.staging_taxi_trips t WHERE t.vendorid = c.market_cap_rank)
  AND c.max_supply NOT IN (SELECT d.max_supply FROM crypto.coins d WHERE d.market_cap_rank > c.market_cap_rank);
-- expect:
-- project id
--   filter (estimated 126 rows) (EXISTS (SELECT …) AND c.max_supply NOT IN (SELECT …))
--     scan crypto.coins AS c (250 rows): partitions 1/1, blocks 1/1; columns id, market_cap_rank, max_supply
-- subquery 1 (correlated: run once per distinct c.market_cap_rank, each answer kept):
--   project f0_
--     filter (estimated 751 rows) t.vendorid = outer c.market_cap_rank
--       scan taxi_data.staging_taxi_trips AS t (1500 rows): partitions 1/1, blocks 1/1; columns vendorid
-- subquery 2 (correlated: run once per distinct c.market_cap_rank and IN's operand, each answer kept):
--   project max_supply
--     filter (estimated 126 rows) d.market_cap_rank > outer c.market_cap_rank
--       scan crypto.coins AS d (250 rows): partitions 1/1, blocks 1/1; columns market_cap_rank, max_supply
