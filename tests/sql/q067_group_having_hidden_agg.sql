SELECT vendorid FROM your_project_id.taxi_data.staging_taxi_trips GROUP BY vendorid HAVING SUM(tip_amount) > 1000 ORDER BY 1;
-- expect:
-- 1
-- 2
