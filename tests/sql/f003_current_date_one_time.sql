-- CURRENT_TIMESTAMP is one time for the whole statement (the e2e case
-- sql_columns_values fixes it with PIPE_NOW); CURRENT_DATE is its day in UTC.
-- setup: CREATE OR REPLACE TABLE crypto.coins16 OPTIONS (block_rows = 16) AS SELECT * FROM crypto.coins
SELECT COUNT(DISTINCT CURRENT_TIMESTAMP), COUNTIF(CURRENT_DATE = DATE(CURRENT_TIMESTAMP())),
       COUNTIF(CURRENT_DATETIME() = DATETIME(CURRENT_TIMESTAMP)), COUNTIF(CURRENT_DATE > DATE(last_updated))
FROM crypto.coins16;
-- nosqlite
-- expect:
-- 1	250	250	250
