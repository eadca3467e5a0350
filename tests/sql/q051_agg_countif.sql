SELECT COUNTIF(tip_amount > 0), COUNTIF(airport_fee > 0) FROM your_project_id.taxi_data.staging_taxi_trips;
-- sqlite: SELECT SUM(CASE WHEN tip_amount > 0 THEN 1 ELSE 0 END), SUM(CASE WHEN airport_fee > 0 THEN 1 ELSE 0 END) FROM staging_taxi_trips
-- expect:
-- 935	22
