SELECT tip_amount > 0 AS tipped, COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips GROUP BY tipped ORDER BY tipped;
-- expect:
-- 0	565
-- 1	935
