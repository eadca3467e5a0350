SELECT ratecodeid, COUNT(*), ROUND(AVG(trip_distance), 4) FROM your_project_id.taxi_data.staging_taxi_trips GROUP BY ratecodeid ORDER BY ratecodeid;
-- expect:
-- 1	1474	2.9175
-- 2	17	14.4594
-- 4	2	14.46
-- 5	6	2.43
-- 99	1	4.4
