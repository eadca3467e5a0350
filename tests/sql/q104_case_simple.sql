SELECT CASE payment_type WHEN 1 THEN 'card' WHEN 2 THEN 'cash' ELSE 'other' END AS pay, COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips GROUP BY pay ORDER BY pay;
-- expect:
-- card	981
-- cash	488
-- other	31
