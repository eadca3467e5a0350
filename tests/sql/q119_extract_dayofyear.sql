SELECT EXTRACT(DAYOFYEAR FROM DATE(tpep_dropoff_datetime)) AS doy, COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips GROUP BY doy ORDER BY doy;
-- sqlite: SELECT CAST(strftime('%j', tpep_dropoff_datetime) AS INTEGER) AS doy, COUNT(*) FROM staging_taxi_trips GROUP BY doy ORDER BY doy
-- expect:
-- 1	1491
-- 2	2
-- 332	4
-- 355	1
-- 365	2
