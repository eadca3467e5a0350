-- An array may hold NULL inside a query, not in its result (BigQuery's
-- error names the column).
SELECT [symbol, NULL] AS pair FROM crypto.coins;
-- error: Array cannot have a null element; error in writing field pair
