SELECT VENDORID, Fare_Amount FROM your_project_id.taxi_data.staging_taxi_trips ORDER BY FARE_AMOUNT DESC, vendorid LIMIT 2;
-- expect:
-- 2	86.5
-- 2	82.8
