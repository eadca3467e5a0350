-- name: vendors
SELECT VendorID, COUNT(*) AS trips FROM taxi.fares GROUP BY VendorID ORDER BY VendorID;
