-- The textbook case: population deviation 2, sample variance 32/7; one
-- value has no sample deviation, no value no deviation at all.
SELECT STDDEV_POP(x), VAR_SAMP(x), (SELECT STDDEV(y) FROM UNNEST([5]) AS y), (SELECT STDDEV_POP(y) FROM UNNEST([5]) AS y)
FROM UNNEST([2, 4, 4, 4, 5, 5, 7, 9]) AS x;
-- nosqlite
-- expect:
-- 2	4.571428571428571	NULL	0
