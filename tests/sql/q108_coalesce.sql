SELECT COALESCE(airport_fee, congestion_surcharge, -1) AS fee, COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips GROUP BY fee ORDER BY fee;
-- expect:
-- -1	500
-- 0.0	531
-- 1.25	22
-- 2.5	447
