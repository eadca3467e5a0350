SELECT store_and_fwd_flag, vendorid, COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips GROUP BY 1, 2 ORDER BY 1, 2;
-- expect:
-- N	1	579
-- N	2	896
-- Y	1	24
-- Y	2	1
