-- APPROX_QUANTILES per vendor, exact: the value at rank ceil(k n / q) of
-- the n in order (the least for k = 0); NULLs left out (airport_fee is
-- NULL on the 2019 and 2021 rows).
SELECT vendorid, APPROX_QUANTILES(fare_amount, 4)[OFFSET(0)], APPROX_QUANTILES(fare_amount, 4)[OFFSET(1)],
       APPROX_QUANTILES(fare_amount, 4)[OFFSET(2)], APPROX_QUANTILES(fare_amount, 4)[OFFSET(3)],
       APPROX_QUANTILES(fare_amount, 4)[OFFSET(4)], APPROX_QUANTILES(airport_fee, 2)[OFFSET(1)]
FROM taxi_data.staging_taxi_trips GROUP BY vendorid ORDER BY vendorid;
-- sqlite: SELECT vendorid, MIN(fare_amount), MAX(CASE WHEN rn = (n + 3) / 4 THEN fare_amount END), MAX(CASE WHEN rn = (2 * n + 3) / 4 THEN fare_amount END), MAX(CASE WHEN rn = (3 * n + 3) / 4 THEN fare_amount END), MAX(fare_amount), MAX(CASE WHEN an > 0 AND arn = (an + 1) / 2 THEN airport_fee END) FROM (SELECT vendorid, fare_amount, airport_fee, ROW_NUMBER() OVER (PARTITION BY vendorid ORDER BY fare_amount) AS rn, COUNT(*) OVER (PARTITION BY vendorid) AS n, ROW_NUMBER() OVER (PARTITION BY vendorid ORDER BY airport_fee IS NULL, airport_fee) AS arn, COUNT(airport_fee) OVER (PARTITION BY vendorid) AS an FROM staging_taxi_trips) GROUP BY vendorid ORDER BY vendorid
-- expect:
-- 1	0	7	10	16	72.3	0
-- 2	-25.4	7	11	17	86.5	0
