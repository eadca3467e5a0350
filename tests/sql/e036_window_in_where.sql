SELECT symbol FROM crypto.coins WHERE ROW_NUMBER() OVER (ORDER BY market_cap_rank) = 1
-- error: Analytic function not allowed in WHERE clause at [1:39]
