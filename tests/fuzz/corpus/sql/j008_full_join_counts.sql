WITH a AS (SELECT pulocationid AS loc, COUNT(*) AS pickups FROM taxi_data.staging_taxi_trips GROUP BY 1),
b AS (SELECT dolocationid AS loc, COUNT(*) AS dropoffs FROM taxi_data.staging_taxi_trips GROUP BY 1)
SELECT COUNT(*), COUNT(a.loc), COUNT(b.loc), SUM(pickups), SUM(dropoffs) FROM a FULL OUTER JOIN b ON a.loc = b.loc;
-- expect:
-- 147	87	143	1500	1500
