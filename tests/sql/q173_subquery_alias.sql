SELECT s.v, s.n FROM (SELECT vendorid AS v, COUNT(*) AS n FROM your_project_id.taxi_data.staging_taxi_trips GROUP BY 1) AS s ORDER BY s.n DESC;
-- expect:
-- 2	897
-- 1	603
