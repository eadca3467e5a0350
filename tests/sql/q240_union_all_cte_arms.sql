WITH y AS (SELECT EXTRACT(YEAR FROM tpep_dropoff_datetime) AS yr, COUNT(*) AS n FROM your_project_id.taxi_data.staging_taxi_trips GROUP BY 1) SELECT 'max' AS what, MAX(n) FROM y UNION ALL SELECT 'min', MIN(n) FROM y ORDER BY what;
-- sqlite: WITH y AS (SELECT CAST(strftime('%Y', tpep_dropoff_datetime) AS INTEGER) AS yr, COUNT(*) AS n FROM staging_taxi_trips GROUP BY 1) SELECT 'max' AS what, MAX(n) FROM y UNION ALL SELECT 'min', MIN(n) FROM y ORDER BY what
-- expect:
-- max	500
-- min	1
