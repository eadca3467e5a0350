-- The JSONPath forms: .key, ."key", ['key'], [n]; JSON_VALUE of an
-- object, an array or null is NULL, JSON_QUERY gives their JSON; text that
-- is not JSON gives NULL; the older names JSON_EXTRACT_SCALAR and
-- JSON_EXTRACT.
SELECT JSON_VALUE('{"a":{"b":[1,{"c":"x"}]}}', '$.a.b[1].c'), JSON_VALUE('{"a b":3}', '$."a b"'),
       JSON_VALUE('{"a":3}', "$['a']"), JSON_VALUE('{"a":{"b":1}}', '$.a'), JSON_QUERY('{"a":{"b":1}}', '$.a'),
       JSON_VALUE('{"a":null}', '$.a'), JSON_QUERY('{"a":null}', '$.a'), JSON_QUERY('{"a":"s"}', '$.a'),
       JSON_VALUE('not json', '$'), JSON_EXTRACT_SCALAR('{"a":true}', '$.a'), JSON_EXTRACT('[1,2]', '$[1]'),
       JSON_VALUE('"top"');
-- nosqlite
-- expect:
-- x	3	3	NULL	{"b":1}	NULL	null	"s"	NULL	true	2	top
