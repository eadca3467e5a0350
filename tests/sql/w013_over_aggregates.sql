SELECT vendorid, COUNT(*) AS n, SUM(COUNT(*)) OVER () AS total, RANK() OVER (ORDER BY COUNT(*) DESC) AS r,
ROUND(SUM(fare_amount) / SUM(SUM(fare_amount)) OVER (), 6) FROM taxi_data.staging_taxi_trips GROUP BY vendorid ORDER BY vendorid;
-- expect:
-- 1	603	1500	2	0.391018
-- 2	897	1500	1	0.608982
