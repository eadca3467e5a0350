SELECT name, current_price > 100 AS pricey FROM crypto.coins WHERE market_cap_rank <= 4 ORDER BY market_cap_rank;
-- expect:
-- Bitcoin	1
-- Ethereum	1
-- Tether	0
-- XRP	0
