SELECT id FROM crypto.coins INTERSECT ALL SELECT id FROM crypto.coins
-- error: INTERSECT ALL is not supported; write INTERSECT DISTINCT at [1:39]
