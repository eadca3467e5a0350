-- OFFSET past either end is BigQuery's error, which names the index.
SELECT ids[OFFSET(market_cap_rank - 2)] FROM (SELECT [id, symbol] AS ids, market_cap_rank FROM crypto.coins);
-- error: Array index -1 is out of bounds (underflow)
