-- Nor make rows distinct.
SELECT DISTINCT [id] AS ids FROM crypto.coins;
-- error: Column ids of type ARRAY<STRING> cannot be used in SELECT DISTINCT
