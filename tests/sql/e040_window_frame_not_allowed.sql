SELECT ROW_NUMBER() OVER (ORDER BY symbol ROWS 1 PRECEDING) FROM crypto.coins
-- error: Window framing clause is not allowed for analytic function ROW_NUMBER at [1:43]
