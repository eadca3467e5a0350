-- A window that cuts through partition 20190101 (dropoffs from 00:00 to
-- past 23:00): blocks are filtered row by row there; the result must not
-- change with the shortcut of b015.  Bytes: vendorid and the dropoff time,
-- 16 bytes a row, in the one partition: 493 x 16 = 7888.
SELECT vendorid, COUNT(*) FROM taxi_data.trips_small_blocks
WHERE tpep_dropoff_datetime >= '2019-01-01 01:00:00' AND tpep_dropoff_datetime < '2019-01-02'
GROUP BY 1 ORDER BY 1;
-- sqlite: SELECT vendorid, COUNT(*) FROM staging_taxi_trips WHERE tpep_dropoff_datetime >= '2019-01-01 01:00:00' AND tpep_dropoff_datetime < '2019-01-02' GROUP BY 1 ORDER BY 1;
-- bytes: processed=7888 estimate=7888 partitions=1/9
-- expect:
-- 1	80
-- 2	56
