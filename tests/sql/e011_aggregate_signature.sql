SELECT SUM(name) FROM crypto.coins
-- error: No matching signature for aggregate function SUM for argument types: STRING
