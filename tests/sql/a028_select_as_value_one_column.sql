-- SELECT AS VALUE takes one item, as in BigQuery.
SELECT AS VALUE id, symbol FROM crypto.coins;
-- error: SELECT AS VALUE query must have exactly one column
