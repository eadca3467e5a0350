SELECT vendorid, COUNT(DISTINCT pulocationid), COUNT(DISTINCT payment_type) FROM your_project_id.taxi_data.staging_taxi_trips GROUP BY vendorid ORDER BY vendorid;
-- expect:
-- 1	68	4
-- 2	76	3
