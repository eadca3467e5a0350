SELECT vendorid * 10 + 1 AS k, COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips GROUP BY vendorid ORDER BY k;
-- expect:
-- 11	603
-- 21	897
