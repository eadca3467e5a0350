SELECT t.pulocationid, COUNT(*) AS trips, s.avg_fare FROM your_project_id.taxi_data.staging_taxi_trips t JOIN (SELECT pulocationid, ROUND(AVG(fare_amount), 2) AS avg_fare FROM your_project_id.taxi_data.staging_taxi_trips GROUP BY 1) s ON t.pulocationid = s.pulocationid GROUP BY 1, 3 ORDER BY trips DESC, 1 LIMIT 5;
-- expect:
-- 236	62	9.63
-- 239	60	11.55
-- 263	60	9.45
-- 238	57	11.62
-- 142	56	14.65
