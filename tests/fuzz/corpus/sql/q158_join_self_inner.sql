SELECT a.vendorid, COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips a JOIN your_project_id.taxi_data.staging_taxi_trips b ON a.tpep_pickup_datetime = b.tpep_pickup_datetime AND a.pulocationid = b.pulocationid GROUP BY 1 ORDER BY 1;
-- expect:
-- 1	610
-- 2	910
