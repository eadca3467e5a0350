SELECT COUNTIF(current_price > 1) OVER () FROM crypto.coins
-- error: COUNTIF is not supported as an analytic function at [1:8]
