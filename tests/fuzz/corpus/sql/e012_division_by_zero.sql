SELECT 1 / 0
-- error: division by zero: 1 / 0
