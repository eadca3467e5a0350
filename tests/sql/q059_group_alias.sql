SELECT passenger_count AS p, COUNT(*) AS n FROM your_project_id.taxi_data.staging_taxi_trips GROUP BY p ORDER BY p;
-- expect:
-- 0	17
-- 1	965
-- 2	333
-- 3	97
-- 4	42
-- 5	33
-- 6	13
