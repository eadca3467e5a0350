SELECT vendor_id FROM taxi_data.staging_taxi_trips
-- error: Unrecognized name: vendor_id; Did you mean vendorid? at [1:8]
