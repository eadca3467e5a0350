SELECT COUNT(*), ROUND(SUM(b.fare_amount), 2) FROM (SELECT DISTINCT payment_type AS p FROM your_project_id.taxi_data.staging_taxi_trips) a JOIN your_project_id.taxi_data.staging_taxi_trips b ON a.p = b.payment_type AND b.fare_amount > a.p * 10;
-- expect:
-- 612	13799.28
