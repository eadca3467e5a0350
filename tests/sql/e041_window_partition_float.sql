SELECT COUNT(*) OVER (PARTITION BY current_price) FROM crypto.coins
-- error: Partitioning by expressions of type FLOAT64 is not allowed at [1:36]
