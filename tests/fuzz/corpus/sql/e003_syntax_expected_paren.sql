SELECT COUNT(* FROM crypto.coins
-- error: Syntax error: Expected ")" but got keyword FROM at [1:16]
