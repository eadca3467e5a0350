SELECT CAST(vendorid AS STRING) || '/' || CAST(payment_type AS STRING) AS k FROM your_project_id.taxi_data.staging_taxi_trips GROUP BY k ORDER BY k;
-- sqlite: SELECT CAST(vendorid AS TEXT) || '/' || CAST(payment_type AS TEXT) AS k FROM staging_taxi_trips GROUP BY k ORDER BY k
-- expect:
-- 1/1
-- 1/2
-- 1/3
-- 1/4
-- 2/1
-- 2/2
-- 2/4
