SELECT market_cap_rank FROM crypto.coins UNION ALL SELECT name FROM crypto.coins
-- error: Column 1 in UNION ALL has incompatible types: INT64, STRING
