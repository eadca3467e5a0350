SELECT COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips WHERE CASE WHEN passenger_count = 0 THEN FALSE WHEN fare_amount / passenger_count > 20 THEN CASE WHEN tip_amount = 0 THEN FALSE ELSE fare_amount / tip_amount < 5 END ELSE FALSE END;
-- sqlite: SELECT COUNT(*) FROM staging_taxi_trips WHERE CASE WHEN passenger_count = 0 THEN 0 WHEN fare_amount * 1.0 / passenger_count > 20 THEN CASE WHEN tip_amount = 0 THEN 0 ELSE fare_amount / tip_amount < 5 END ELSE 0 END
-- expect:
-- 86
