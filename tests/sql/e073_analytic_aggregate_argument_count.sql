SELECT symbol, AVG() OVER (PARTITION BY symbol) FROM crypto.coins
-- error: Number of arguments does not match for aggregate function AVG at [1:16]
