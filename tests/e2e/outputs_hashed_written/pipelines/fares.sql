-- name: trips
SELECT vendorid, COUNT(*) AS trips FROM taxi.by_day GROUP BY vendorid ORDER BY vendorid;
