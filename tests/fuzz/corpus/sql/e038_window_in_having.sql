SELECT vendorid FROM taxi_data.staging_taxi_trips GROUP BY 1 HAVING COUNT(*) OVER () > 1
-- error: Analytic function not allowed in HAVING clause at [1:69]
