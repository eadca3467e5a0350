CREATE OR REPLACE TABLE your_project_id.taxi_data.optimized_taxi_trips
PARTITION BY DATE(tpep_dropoff_datetime)
CLUSTER BY VendorID AS
SELECT * FROM your_project_id.taxi_data.staging_taxi_trips;
