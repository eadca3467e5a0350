SELECT SUM(symbol) OVER () FROM crypto.coins
-- error: No matching signature for analytic function SUM for argument types: STRING at [1:8]
