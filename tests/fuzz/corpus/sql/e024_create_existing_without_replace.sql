CREATE TABLE crypto.coins AS SELECT 1 AS x
-- error: Already Exists: Table crypto.coins at [1:14]
