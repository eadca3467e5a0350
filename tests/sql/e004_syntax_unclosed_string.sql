SELECT 'abc FROM crypto.coins
-- error: Syntax error: Unclosed string literal at [1:8]
