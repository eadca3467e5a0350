SELECT CASE WHEN vendorid = 1 THEN 'one' END AS v, COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips GROUP BY v ORDER BY v;
-- expect:
-- NULL	897
-- one	603
