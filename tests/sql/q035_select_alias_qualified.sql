SELECT t.vendorid AS v, t.fare_amount AS f FROM your_project_id.taxi_data.staging_taxi_trips t ORDER BY f DESC, v LIMIT 3;
-- expect:
-- 2	86.5
-- 2	82.8
-- 2	82.5
