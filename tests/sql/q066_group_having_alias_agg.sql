SELECT dolocationid, AVG(fare_amount) AS avg_fare FROM your_project_id.taxi_data.staging_taxi_trips GROUP BY 1 HAVING AVG(fare_amount) > 40 AND COUNT(*) > 2 ORDER BY 1;
-- expect:
-- 188	48.13333333333333
-- 265	62.724999999999994
