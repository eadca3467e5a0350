SELECT * EXCEPT (vendorid, tpep_pickup_datetime, tpep_dropoff_datetime, store_and_fwd_flag, congestion_surcharge, airport_fee) FROM your_project_id.taxi_data.staging_taxi_trips ORDER BY total_amount DESC, fare_amount LIMIT 3;
-- sqlite: SELECT passenger_count, trip_distance, ratecodeid, pulocationid, dolocationid, payment_type, fare_amount, extra, mta_tax, tip_amount, tolls_amount, improvement_surcharge, total_amount FROM staging_taxi_trips ORDER BY total_amount DESC, fare_amount LIMIT 3
-- expect:
-- 1	13.73	4	132	265	1	82.8	1.0	0.5	21.32	0.0	1.0	107.87
-- 1	33.18	1	91	240	1	86.5	0.5	0.5	2.75	6.12	0.3	96.67
-- 1	17.8	2	132	116	1	70.0	1.25	0.5	15.85	6.55	1.0	95.15
