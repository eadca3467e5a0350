-- pipe query --explain on correlated subqueries.  EXISTS with an equality
-- on the query around is a semi join: its keys (t.vendorid), without that
-- condition, made once into a hash set that c.market_cap_rank probes.  The
-- NOT IN stays correlated: a plan of its own, its filter naming the column
-- of the query around ("outer c.…"), run once per distinct row of them
-- and of IN's operand.
-- explain
SELECT c.id FROM crypto.coins c
WHERE EXISTS (SELECT 1 FROM taxi_data.staging_taxi_trips t WHERE t.vendorid = c.market_cap_rank)
  AND c.max_supply NOT IN (SELECT d.max_supply FROM crypto.coins d WHERE d.market_cap_rank > c.market_cap_rank);
-- expect:
-- project id
--   filter (estimated 126 rows) (EXISTS semi join on c.market_cap_rank IN (SELECT …) AND c.max_supply NOT IN (SELECT …))
--     scan crypto.coins AS c (250 rows): partitions 1/1, blocks 1/1; columns id, market_cap_rank, max_supply
-- subquery 1 (EXISTS as a semi join: run once, before the query, its keys a hash set):
--   project vendorid
--     scan taxi_data.staging_taxi_trips AS t (1500 rows): partitions 1/1, blocks 1/1; columns vendorid
-- subquery 2 (correlated: run once per distinct c.market_cap_rank and IN's operand, each answer kept):
--   project max_supply
--     filter (estimated 126 rows) d.market_cap_rank > outer c.market_cap_rank
--       scan crypto.coins AS d (250 rows): partitions 1/1, blocks 1/1; columns market_cap_rank, max_supply
