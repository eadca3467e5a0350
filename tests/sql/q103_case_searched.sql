SELECT CASE WHEN fare_amount < 10 THEN 'short' WHEN fare_amount < 30 THEN 'medium' ELSE 'long' END AS kind, COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips GROUP BY 1 ORDER BY 1;
-- expect:
-- long	122
-- medium	701
-- short	677
