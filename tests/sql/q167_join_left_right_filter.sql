SELECT c.name, h.current_price FROM crypto.coins c LEFT JOIN crypto.coins h ON c.id = h.id AND h.current_price > 1000 WHERE c.market_cap_rank <= 4 ORDER BY c.market_cap_rank;
-- expect:
-- Bitcoin	96114.08481738689
-- Ethereum	2642.2421635443243
-- Tether	NULL
-- XRP	NULL
