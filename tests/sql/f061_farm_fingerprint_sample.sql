-- The deterministic sample of BigQuery's reference, a tenth of the rows by
-- a key's fingerprint: the same rows as FarmHash's own Fingerprint64 of the
-- same keys picks (142 of the 1,500).
SELECT COUNT(*), SUM(fare_amount), MIN(pulocationid) FROM taxi_data.staging_taxi_trips
WHERE MOD(ABS(FARM_FINGERPRINT(CONCAT(CAST(pulocationid AS STRING), '-', CAST(dolocationid AS STRING)))), 10) = 0;
-- nosqlite
-- expect:
-- 142	2185.1	13
