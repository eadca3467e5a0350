SELECT 1 UNION ALL SELECT 2 EXCEPT DISTINCT SELECT 1
-- error: Syntax error: Different set operations cannot be used in the same query without using parentheses for grouping at [1:29]
