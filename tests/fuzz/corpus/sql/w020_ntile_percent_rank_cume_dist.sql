-- NTILE, PERCENT_RANK and CUME_DIST over each vendor's fares: the first
-- buckets a row larger, peers sharing a rank and a share.
SELECT vendorid, fare_amount, NTILE(4) OVER (PARTITION BY vendorid ORDER BY fare_amount) AS n,
       PERCENT_RANK() OVER (PARTITION BY vendorid ORDER BY fare_amount),
       CUME_DIST() OVER (PARTITION BY vendorid ORDER BY fare_amount)
FROM taxi_data.staging_taxi_trips
ORDER BY vendorid, fare_amount DESC, n LIMIT 6;
-- sqlite: SELECT vendorid, fare_amount, NTILE(4) OVER w AS n, PERCENT_RANK() OVER w, CUME_DIST() OVER w FROM staging_taxi_trips WINDOW w AS (PARTITION BY vendorid ORDER BY fare_amount) ORDER BY vendorid, fare_amount DESC, n LIMIT 6
-- expect:
-- 1	72.3	4	1.0	1.0
-- 1	70.0	4	0.996677740863787	0.998341625207297
-- 1	70.0	4	0.996677740863787	0.998341625207297
-- 1	62.5	4	0.995016611295681	0.995024875621891
-- 1	54.5	4	0.993355481727575	0.993366500829187
-- 1	52.0	4	0.985049833887043	0.991708126036484
