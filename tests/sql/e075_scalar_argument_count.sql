SELECT ROUND(current_price, 2, 1) FROM crypto.coins
-- error: Number of arguments does not match for function ROUND at [1:8]
