-- CORR, COVAR_POP and COVAR_SAMP per vendor; a pair holding a NULL is
-- left out (airport_fee is NULL on the 2019 and 2021 rows).
SELECT vendorid, CORR(fare_amount, trip_distance), COVAR_POP(fare_amount, tip_amount),
       COVAR_SAMP(total_amount, airport_fee), COUNT(airport_fee)
FROM taxi_data.staging_taxi_trips GROUP BY vendorid ORDER BY vendorid;
-- sqlite: SELECT vendorid, (SUM(fare_amount * trip_distance) - SUM(fare_amount) * SUM(trip_distance) / COUNT(*)) / sqrt((SUM(fare_amount * fare_amount) - SUM(fare_amount) * SUM(fare_amount) / COUNT(*)) * (SUM(trip_distance * trip_distance) - SUM(trip_distance) * SUM(trip_distance) / COUNT(*))), (SUM(fare_amount * tip_amount) - SUM(fare_amount) * SUM(tip_amount) / COUNT(*)) / COUNT(*), (SUM(total_amount * airport_fee) - SUM(CASE WHEN airport_fee IS NOT NULL THEN total_amount END) * SUM(airport_fee) / COUNT(airport_fee)) / (COUNT(airport_fee) - 1), COUNT(airport_fee) FROM staging_taxi_trips GROUP BY vendorid ORDER BY vendorid
-- expect:
-- 1	0.9241384357283586	11.325708443960373	2.051912442396313	155
-- 2	0.8544340042169722	14.2424893929846	1.8394859074823056	345
