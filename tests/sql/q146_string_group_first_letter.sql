SELECT SUBSTR(symbol, 1, 1) AS letter, COUNT(*) FROM crypto.coins GROUP BY letter ORDER BY COUNT(*) DESC, letter LIMIT 5;
-- expect:
-- s	22
-- a	18
-- w	18
-- b	17
-- c	15
