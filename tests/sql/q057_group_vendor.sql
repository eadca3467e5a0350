SELECT vendorid, COUNT(*) AS n, ROUND(SUM(fare_amount), 2) AS fares FROM your_project_id.taxi_data.staging_taxi_trips GROUP BY vendorid ORDER BY vendorid;
-- expect:
-- 1	603	8264.08
-- 2	897	12870.7
