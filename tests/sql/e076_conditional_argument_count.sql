SELECT IFNULL(symbol) FROM crypto.coins
-- error: Number of arguments does not match for function IFNULL at [1:8]
