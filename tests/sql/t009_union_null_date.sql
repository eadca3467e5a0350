-- The first arm's NULL takes the DATE of the second: DATE_TRUNC applies.
SELECT DATE_TRUNC(d, MONTH) FROM (SELECT NULL AS d UNION ALL SELECT DATE '2020-05-17') ORDER BY 1;
-- nosqlite
-- expect:
-- NULL
-- 2020-05-01
