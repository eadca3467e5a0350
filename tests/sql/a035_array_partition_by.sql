-- An analytic function's PARTITION BY groups: not by arrays.
SELECT ROW_NUMBER() OVER (PARTITION BY [id]) FROM crypto.coins;
-- error: Partitioning by expressions of type ARRAY is not allowed
