-- A budget below what the query would bill refuses it before reading
-- anything: the 10 MiB minimum (10485760) is the least a query can bill.
SELECT MAX(vendorid) FROM taxi_data.staging_taxi_trips;
-- max_bytes_billed: 1000000
-- error: Query exceeded limit for bytes billed: 1000000. 10485760 or higher required.
