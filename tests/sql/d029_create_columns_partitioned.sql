-- A column list with PARTITION BY, CLUSTER BY and OPTIONS, as a CTAS
-- takes them; VALUES rows land in their day partitions, 2 rows a block.
-- setup: CREATE OR REPLACE TABLE taxi_data.fares (day DATE NOT NULL, vendor INT64, fare NUMERIC) PARTITION BY day CLUSTER BY vendor OPTIONS (block_rows = 2, require_partition_filter = TRUE)
INSERT INTO taxi_data.fares VALUES
  ('2024-01-01', 1, 10.5), ('2024-01-01', 2, 3), ('2024-01-01', 1, 7.25),
  ('2024-01-02', 2, 1.1), ('2024-01-03', 1, NULL);
-- nosqlite
-- expect:
