SELECT COUNT(*), COUNT(congestion_surcharge), SUM(passenger_count), MIN(fare_amount), MAX(fare_amount) FROM your_project_id.taxi_data.staging_taxi_trips;
-- expect:
-- 1500	1000	2333	-25.4	86.5
