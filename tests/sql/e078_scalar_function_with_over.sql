SELECT ABS(current_price) OVER () FROM crypto.coins
-- error: ABS is not supported as an analytic function at [1:8]
