-- LOGICAL_AND and LOGICAL_OR per vendor: every fare positive, any large tip.
SELECT vendorid, LOGICAL_AND(fare_amount > 0), LOGICAL_OR(tip_amount > 10), LOGICAL_AND(passenger_count > 0)
FROM taxi_data.staging_taxi_trips GROUP BY vendorid ORDER BY vendorid;
-- sqlite: SELECT vendorid, MIN(fare_amount > 0), MAX(tip_amount > 10), MIN(passenger_count > 0) FROM staging_taxi_trips GROUP BY vendorid ORDER BY vendorid
-- expect:
-- 1	0	1	0
-- 2	0	1	1
