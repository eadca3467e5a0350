SELECT SUM(ROW_NUMBER() OVER (ORDER BY symbol)) FROM crypto.coins
-- error: Analytic function not allowed in the argument of an aggregate at [1:12]
