WITH daily AS (SELECT DATE(tpep_dropoff_datetime) AS d, COUNT(*) AS n FROM your_project_id.taxi_data.staging_taxi_trips GROUP BY 1) SELECT t.vendorid, COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips t JOIN daily ON DATE(t.tpep_dropoff_datetime) = daily.d WHERE daily.n > 100 GROUP BY 1 ORDER BY 1;
-- sqlite: WITH daily AS (SELECT date(tpep_dropoff_datetime) AS d, COUNT(*) AS n FROM staging_taxi_trips GROUP BY 1) SELECT t.vendorid, COUNT(*) FROM staging_taxi_trips t JOIN daily ON date(t.tpep_dropoff_datetime) = daily.d WHERE daily.n > 100 GROUP BY 1 ORDER BY 1
-- expect:
-- 1	603
-- 2	888
