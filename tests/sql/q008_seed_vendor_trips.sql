SELECT VendorID, COUNT(*) AS trips FROM your_project_id.taxi_data.optimized_taxi_trips GROUP BY VendorID ORDER BY VendorID;
-- expect:
-- 1	603
-- 2	897
