-- JSON_QUERY_ARRAY: each element's JSON; JSON_VALUE_ARRAY: each scalar's
-- text (a JSON null a NULL element), NULL where an element is an object or
-- an array; both NULL where the path leads to no array.
SELECT ARRAY_LENGTH(JSON_QUERY_ARRAY('{"a": [1, "x", {"b": 2}, [3], null]}', '$.a')),
       JSON_QUERY_ARRAY('{"a": [1, "x", {"b": 2}, [3], null]}', '$.a')[OFFSET(1)],
       JSON_QUERY_ARRAY('{"a": [1, "x", {"b": 2}, [3], null]}', '$.a')[OFFSET(2)],
       ARRAY_TO_STRING(JSON_VALUE_ARRAY('["a", 1, true, "e\\u00e9"]'), '|'),
       JSON_VALUE_ARRAY('[1, null, 2]')[OFFSET(1)] IS NULL,
       JSON_VALUE_ARRAY('[1, {"b": 2}]') IS NULL,
       JSON_QUERY_ARRAY('{"a": 1}', '$.a') IS NULL,
       ARRAY_LENGTH(JSON_QUERY_ARRAY('[]')),
       JSON_EXTRACT_STRING_ARRAY('["p", "q"]')[OFFSET(1)],
       JSON_EXTRACT_ARRAY('[{"k":1}]')[OFFSET(0)];
-- nosqlite
-- expect:
-- 5	"x"	{"b": 2}	a|1|true|eé	true	true	true	0	q	{"k":1}
