SELECT name + 1 FROM crypto.coins
-- error: No matching signature for operator + for argument types: STRING, INT64
