WITH v AS (SELECT vendorid, COUNT(*) AS n FROM taxi_data.staging_taxi_trips GROUP BY 1) SELECT vendorid FROM v WHERE n = (SELECT MAX(n) FROM v);
-- expect:
-- 2
