SELECT vendorid, ANY_VALUE(mta_tax) IS NOT NULL FROM your_project_id.taxi_data.staging_taxi_trips GROUP BY vendorid ORDER BY vendorid;
-- sqlite: SELECT vendorid, 1 FROM staging_taxi_trips GROUP BY vendorid ORDER BY vendorid
-- expect:
-- 1	1
-- 2	1
