SELECT pulocationid, COUNT(*) AS n FROM your_project_id.taxi_data.optimized_taxi_trips WHERE tpep_dropoff_datetime >= '2023-01-01' GROUP BY 1
QUALIFY DENSE_RANK() OVER (ORDER BY COUNT(*) DESC) <= 2 ORDER BY n DESC, 1;
-- sqlite: SELECT pulocationid, n FROM (SELECT pulocationid, COUNT(*) AS n, DENSE_RANK() OVER (ORDER BY COUNT(*) DESC) AS d FROM optimized_taxi_trips WHERE tpep_dropoff_datetime >= '2023-01-01' GROUP BY 1) WHERE d <= 2 ORDER BY n DESC, 1
-- expect:
-- 79	27
-- 142	23
-- 236	23
