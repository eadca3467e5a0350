SELECT LAG(symbol, 1, 'x', 2) OVER (ORDER BY symbol) FROM crypto.coins
-- error: Number of arguments does not match for function LAG at [1:8]
