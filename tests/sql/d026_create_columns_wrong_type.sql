-- The query's columns must fit the list's types, as an INSERT's must.
CREATE OR REPLACE TABLE crypto.ranked2 (coin INT64) AS SELECT id FROM crypto.coins;
-- error: Query column 1 has type STRING which cannot be inserted into column coin, which has type INT64
