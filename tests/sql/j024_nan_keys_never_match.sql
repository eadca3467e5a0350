-- NaN = NaN is false in GoogleSQL, in a hash join's keys too: a NaN key
-- matches nothing (as a NULL one), in JOIN ON, in a comma join's WHERE,
-- and a LEFT JOIN keeps its row with NULLs.
-- nosqlite
WITH a AS (SELECT CAST('nan' AS FLOAT64) AS x, 'a-nan' AS tag UNION ALL SELECT 1.0, 'a-one'),
b AS (SELECT CAST('NaN' AS FLOAT64) AS x, 'b-nan' AS tag UNION ALL SELECT 1.0, 'b-one')
SELECT 'on', a.tag, b.tag FROM a JOIN b ON a.x = b.x
UNION ALL SELECT 'where', a.tag, b.tag FROM a, b WHERE a.x = b.x
UNION ALL SELECT 'left', a.tag, b.tag FROM a LEFT JOIN b ON a.x = b.x
ORDER BY 1, 2;
-- expect:
-- left	a-nan	NULL
-- left	a-one	b-one
-- on	a-one	b-one
-- where	a-one	b-one
