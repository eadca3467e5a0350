SELECT FROM crypto.coins
-- error: Syntax error: Unexpected keyword FROM at [1:8]
