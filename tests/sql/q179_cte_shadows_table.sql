WITH coins AS (SELECT 1 AS x) SELECT * FROM coins;
-- sqlite: SELECT 1
-- expect:
-- 1
