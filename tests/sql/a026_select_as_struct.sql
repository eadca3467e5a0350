-- SELECT AS STRUCT is not supported.
SELECT AS STRUCT id, symbol FROM crypto.coins;
-- error: SELECT AS STRUCT is not supported
