SELECT vendorid, COUNT(*) FROM taxi_data.staging_taxi_trips GROUP BY 1 HAVING COUNT(*) > (SELECT COUNT(*) FROM taxi_data.staging_taxi_trips) / 2;
-- sqlite: SELECT vendorid, COUNT(*) FROM staging_taxi_trips GROUP BY 1 HAVING COUNT(*) > (SELECT COUNT(*) FROM staging_taxi_trips) / 2.0
-- expect:
-- 2	897
