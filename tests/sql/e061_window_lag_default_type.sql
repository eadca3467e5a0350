SELECT LAG(symbol, 1, 0) OVER (ORDER BY symbol) FROM crypto.coins
-- error: No matching signature for analytic function LAG for argument types: STRING, INT64, INT64 at [1:8]
