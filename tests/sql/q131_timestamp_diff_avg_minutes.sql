SELECT vendorid, ROUND(AVG(TIMESTAMP_DIFF(tpep_dropoff_datetime, tpep_pickup_datetime, MINUTE)), 4) FROM your_project_id.taxi_data.staging_taxi_trips GROUP BY 1 ORDER BY 1;
-- sqlite: SELECT vendorid, ROUND(AVG((strftime('%s', tpep_dropoff_datetime) - strftime('%s', tpep_pickup_datetime)) / 60), 4) FROM staging_taxi_trips GROUP BY 1 ORDER BY 1
-- expect:
-- 1	12.8939
-- 2	16.9877
