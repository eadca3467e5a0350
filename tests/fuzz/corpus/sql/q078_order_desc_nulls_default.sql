SELECT congestion_surcharge FROM your_project_id.taxi_data.staging_taxi_trips GROUP BY 1 ORDER BY 1 DESC;
-- expect:
-- 2.5
-- 0.0
-- -2.5
-- NULL
