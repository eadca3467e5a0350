SELECT COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips WHERE (airport_fee > 0) IS NOT TRUE;
-- sqlite: SELECT COUNT(*) FROM staging_taxi_trips WHERE NOT coalesce(airport_fee > 0, 0)
-- expect:
-- 1478
