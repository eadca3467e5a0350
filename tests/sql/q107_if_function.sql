SELECT IF(tip_amount > 0, 'tipped', 'not') AS t, COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips GROUP BY t ORDER BY t;
-- sqlite: SELECT iif(tip_amount > 0, 'tipped', 'not') AS t, COUNT(*) FROM staging_taxi_trips GROUP BY t ORDER BY t
-- expect:
-- not	565
-- tipped	935
