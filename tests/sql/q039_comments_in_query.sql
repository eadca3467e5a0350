SELECT /* the vendor */ vendorid -- trailing
FROM your_project_id.taxi_data.staging_taxi_trips
# hash comment
WHERE vendorid = 2 LIMIT 1;
-- sqlite: SELECT vendorid FROM staging_taxi_trips WHERE vendorid = 2 LIMIT 1
-- expect:
-- 2
