SELECT COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips a INNER JOIN your_project_id.taxi_data.staging_taxi_trips b ON a.pulocationid = b.dolocationid AND a.vendorid = b.vendorid;
-- expect:
-- 24915
