-- The seed homework's statement, as written (the driver also runs it to
-- make optimized_taxi_trips); here into a second name, with backticks.
CREATE OR REPLACE TABLE `your_project_id.taxi_data.optimized_copy`
PARTITION BY DATE(tpep_dropoff_datetime)
CLUSTER BY VendorID AS
SELECT * FROM `your_project_id`.`taxi_data`.`staging_taxi_trips`;
-- nosqlite
-- bytes: partitions=1/1
-- expect:
