SELECT MAX(n) FROM (SELECT pulocationid, COUNT(*) AS n FROM your_project_id.taxi_data.staging_taxi_trips GROUP BY pulocationid);
-- expect:
-- 62
