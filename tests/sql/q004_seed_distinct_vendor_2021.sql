SELECT DISTINCT VendorID FROM `your_project_id`.`taxi_data`.`optimized_taxi_trips`
WHERE tpep_dropoff_datetime BETWEEN '2021-01-01' AND '2021-01-02';
-- unordered
-- expect:
-- 1
-- 2
