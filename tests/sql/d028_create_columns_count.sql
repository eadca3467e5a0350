-- The query gives as many columns as the list names.
CREATE TABLE crypto.ranked2 (coin STRING, n INT64) AS SELECT id FROM crypto.coins;
-- error: The query has 1 columns but CREATE TABLE lists 2
