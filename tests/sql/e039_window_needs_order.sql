SELECT symbol, RANK() OVER (PARTITION BY symbol) FROM crypto.coins
-- error: Window ORDER BY is required for analytic function RANK at [1:16]
