-- SUM of INT64 is INT64 and fails past it, as in BigQuery.
SELECT SUM(market_cap_rank + 9223372036854775000) FROM crypto.coins;
-- error: int64 overflow: SUM
