-- BYTE_LENGTH and CHAR_LENGTH of the coin names, ASCII of their first
-- letter and CHR back.
SELECT name, BYTE_LENGTH(name), CHAR_LENGTH(name), ASCII(name), CHR(ASCII(name))
FROM crypto.coins ORDER BY market_cap_rank LIMIT 4;
-- sqlite: SELECT name, length(CAST(name AS BLOB)), length(name), unicode(name), char(unicode(name)) FROM coins ORDER BY market_cap_rank LIMIT 4
-- expect:
-- Bitcoin	7	7	66	B
-- Ethereum	8	8	69	E
-- Tether	6	6	84	T
-- XRP	3	3	88	X
