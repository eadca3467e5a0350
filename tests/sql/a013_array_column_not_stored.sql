-- A table column of ARRAY type is not supported: pipe's tables hold
-- scalars only.
CREATE TABLE crypto.coin_arrays AS SELECT [id, symbol] AS names FROM crypto.coins;
-- error: Column names is an ARRAY<STRING>: pipe's tables have no ARRAY columns
