SELECT SUM(ROW_NUMBER() OVER (ORDER BY symbol)) OVER () FROM crypto.coins
-- error: Analytic function not allowed in the arguments of an analytic function at [1:12]
