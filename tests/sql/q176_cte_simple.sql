WITH v AS (SELECT vendorid, COUNT(*) AS n FROM your_project_id.taxi_data.staging_taxi_trips GROUP BY vendorid) SELECT * FROM v ORDER BY vendorid;
-- expect:
-- 1	603
-- 2	897
