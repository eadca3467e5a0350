SELECT COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips WHERE mta_tax = 0.5 AND extra = 1;
-- expect:
-- 335
