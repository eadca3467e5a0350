SELECT name FROM crypto.coins LIMIT 1
    FROM crypto.coins
-- error: Syntax error: Expected end of input but got keyword FROM at [2:5]
