SELECT COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips WHERE airport_fee > 0 OR vendorid = 2;
-- expect:
-- 903
