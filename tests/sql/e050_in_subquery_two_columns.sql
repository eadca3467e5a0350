SELECT COUNT(*) FROM crypto.coins WHERE id IN (SELECT id, symbol FROM crypto.coins)
-- error: Subquery of type IN must have only one output column at [1:44]
