SELECT DISTINCT store_and_fwd_flag FROM your_project_id.taxi_data.staging_taxi_trips ORDER BY 1;
-- expect:
-- N
-- Y
