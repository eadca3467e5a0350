-- An array of arrays has no type, in BigQuery as in pipe.
SELECT [[1, 2], [3]];
-- error: Cannot construct array with element type ARRAY<INT64> because nested arrays are not supported
