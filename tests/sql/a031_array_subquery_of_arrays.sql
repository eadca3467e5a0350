-- ARRAY(SELECT an array): an array of arrays, BigQuery's error.
SELECT ARRAY(SELECT [id] FROM crypto.coins);
-- error: Cannot construct array with element type ARRAY<STRING> because nested arrays are not supported
