SELECT COUNT(*) FROM crypto.coins WHERE zzzzzz > 1
-- error: Unrecognized name: zzzzzz at [1:41]
