-- CREATE TABLE with a column list and no query: an empty table of those
-- columns; NOT NULL is kept with the table.
CREATE OR REPLACE TABLE crypto.pets (id INT64 NOT NULL, name STRING, born DATE, weight NUMERIC, score FLOAT64) OPTIONS (block_rows = 2);
-- nosqlite
-- expect:
