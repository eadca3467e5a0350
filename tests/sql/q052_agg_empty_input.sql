SELECT COUNT(*), SUM(fare_amount), MAX(vendorid) FROM your_project_id.taxi_data.staging_taxi_trips WHERE vendorid = 99;
-- expect:
-- 0	NULL	NULL
