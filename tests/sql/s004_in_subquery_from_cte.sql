WITH top AS (SELECT pulocationid FROM taxi_data.staging_taxi_trips GROUP BY 1 ORDER BY COUNT(*) DESC, 1 LIMIT 3)
SELECT pulocationid, COUNT(*) FROM taxi_data.staging_taxi_trips WHERE pulocationid IN (SELECT pulocationid FROM top) GROUP BY 1 ORDER BY 1;
-- expect:
-- 236	62
-- 239	60
-- 263	60
