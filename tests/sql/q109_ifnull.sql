SELECT ROUND(SUM(IFNULL(congestion_surcharge, 0)), 2) FROM your_project_id.taxi_data.staging_taxi_trips;
-- expect:
-- 2257.5
