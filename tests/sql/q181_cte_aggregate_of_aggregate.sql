WITH per_loc AS (SELECT pulocationid, COUNT(*) AS n FROM your_project_id.taxi_data.staging_taxi_trips GROUP BY 1) SELECT n, COUNT(*) AS locations FROM per_loc GROUP BY n ORDER BY n DESC LIMIT 5;
-- expect:
-- 62	1
-- 60	2
-- 57	1
-- 56	2
-- 55	1
