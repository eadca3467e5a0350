SELECT LAG(symbol, -1) OVER (ORDER BY symbol) FROM crypto.coins
-- error: Argument 2 to LAG must be a non-negative INT64 literal at [1:20]
