-- Nor group.
SELECT COUNT(*) FROM crypto.coins GROUP BY [symbol];
-- error: Grouping by expressions of type ARRAY is not allowed
