SELECT vendorid, COUNTIF(payment_type = 2) AS cash FROM your_project_id.taxi_data.staging_taxi_trips GROUP BY vendorid ORDER BY vendorid;
-- sqlite: SELECT vendorid, SUM(CASE WHEN payment_type = 2 THEN 1 ELSE 0 END) FROM staging_taxi_trips GROUP BY vendorid ORDER BY vendorid
-- expect:
-- 1	179
-- 2	309
