-- REPEAT of each vendor's flag; 0 times is the empty string.
SELECT vendorid, REPEAT(store_and_fwd_flag, vendorid + 1) AS r, REPEAT('x', 0) = '' AS empty
FROM taxi_data.staging_taxi_trips GROUP BY vendorid, store_and_fwd_flag ORDER BY vendorid, r;
-- sqlite: SELECT vendorid, replace(hex(zeroblob(vendorid + 1)), '00', store_and_fwd_flag) AS r, 1 FROM staging_taxi_trips GROUP BY vendorid, store_and_fwd_flag ORDER BY vendorid, r
-- expect:
-- 1	NN	1
-- 1	YY	1
-- 2	NNN	1
-- 2	YYY	1
