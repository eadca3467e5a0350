SELECT a.label, COUNT(*) FROM (SELECT 1 AS v, 'one' AS label) a JOIN your_project_id.taxi_data.staging_taxi_trips b ON a.v = b.vendorid WHERE b.payment_type = 2 AND a.label = 'one' GROUP BY 1;
-- expect:
-- one	179
