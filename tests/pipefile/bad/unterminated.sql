SELECT *
FROM t
WHERE day = ${day
