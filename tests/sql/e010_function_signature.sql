SELECT LOWER(market_cap_rank) FROM crypto.coins
-- error: No matching signature for function LOWER for argument types: INT64
