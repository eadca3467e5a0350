SELECT congestion_surcharge, COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips GROUP BY 1 ORDER BY 1;
-- expect:
-- NULL	500
-- -2.5	3
-- 0.0	91
-- 2.5	906
