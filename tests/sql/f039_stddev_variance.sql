-- STDDEV and VARIANCE (sample: NULL under two values) and their _POP forms
-- per vendor; a group of one has a sample deviation of NULL.
SELECT vendorid, STDDEV(fare_amount), VARIANCE(fare_amount), STDDEV_POP(fare_amount), VAR_POP(tip_amount),
       STDDEV(IF(passenger_count = 6, trip_distance, NULL)) IS NULL AS few
FROM taxi_data.staging_taxi_trips GROUP BY vendorid ORDER BY vendorid;
-- sqlite: SELECT vendorid, sqrt((SUM(fare_amount * fare_amount) - SUM(fare_amount) * SUM(fare_amount) / COUNT(fare_amount)) / (COUNT(fare_amount) - 1)), (SUM(fare_amount * fare_amount) - SUM(fare_amount) * SUM(fare_amount) / COUNT(fare_amount)) / (COUNT(fare_amount) - 1), sqrt((SUM(fare_amount * fare_amount) - SUM(fare_amount) * SUM(fare_amount) / COUNT(fare_amount)) / COUNT(fare_amount)), (SUM(tip_amount * tip_amount) - SUM(tip_amount) * SUM(tip_amount) / COUNT(tip_amount)) / COUNT(tip_amount), SUM(passenger_count = 6) < 2 FROM staging_taxi_trips GROUP BY vendorid ORDER BY vendorid
-- expect:
-- 1	10.7892272524925	116.407424705928	10.7802772490837	7.08295034831371	0
-- 2	11.6245036740285	135.129085667503	11.6180222106453	8.90186720307626	0
