SELECT (SELECT market_cap FROM crypto.coins WHERE market_cap_rank <= 2)
-- error: Scalar subquery produced more than one element
