-- A row of one empty cell is a row: sqlite3 prints it as an empty line.
SELECT SUBSTR(name, 100) AS tail FROM crypto.coins WHERE market_cap_rank <= 2;
-- expect:
-- 
-- 
