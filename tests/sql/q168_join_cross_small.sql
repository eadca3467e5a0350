SELECT a.v * 10 + b.v FROM (SELECT vendorid AS v FROM your_project_id.taxi_data.staging_taxi_trips GROUP BY 1) a CROSS JOIN (SELECT vendorid AS v FROM your_project_id.taxi_data.staging_taxi_trips GROUP BY 1) b ORDER BY 1;
-- expect:
-- 11
-- 12
-- 21
-- 22
