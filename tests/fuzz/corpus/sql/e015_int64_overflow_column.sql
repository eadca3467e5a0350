SELECT market_cap * market_cap FROM crypto.coins
-- error: int64 overflow: 
