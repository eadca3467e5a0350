SELECT COUNT(*) FROM crypto.coins GROUP BY RANK() OVER (ORDER BY symbol)
-- error: Analytic function not allowed in GROUP BY clause at [1:44]
