-- The idiom of a nested API payload: its items as rows, a field of each.
WITH payload AS (SELECT '{"items": [{"id": "a1", "n": 2}, {"id": "b2", "n": 5}, {"id": "c3"}]}' AS body)
SELECT JSON_VALUE(item, '$.id') AS id, CAST(JSON_VALUE(item, '$.n') AS INT64) AS n
FROM payload, UNNEST(JSON_QUERY_ARRAY(body, '$.items')) AS item ORDER BY id;
-- nosqlite
-- expect:
-- a1	2
-- b2	5
-- c3	NULL
