SELECT SUM(current_price, 1) FROM crypto.coins
-- error: Number of arguments does not match for aggregate function SUM at [1:8]
