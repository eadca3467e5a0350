SELECT SUBSTR(name, 1, 3), SUBSTR(name, 2), SUBSTR(id, -3) FROM crypto.coins ORDER BY market_cap_rank LIMIT 3;
-- expect:
-- Bit	itcoin	oin
-- Eth	thereum	eum
-- Tet	ether	her
