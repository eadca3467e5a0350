SELECT market_cap / total_volume FROM crypto.coins
-- error: division by zero: 
