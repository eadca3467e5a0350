-- INSERT ... VALUES: a literal takes its column's type, as in BigQuery:
-- NULL any type, a string a DATE, 1.5 a NUMERIC (exactly), an integer a
-- FLOAT64.  Five rows in blocks of 2.
-- setup: CREATE OR REPLACE TABLE crypto.pets (id INT64 NOT NULL, name STRING, born DATE, weight NUMERIC, score FLOAT64) OPTIONS (block_rows = 2)
INSERT INTO crypto.pets VALUES
  (1, 'Rex', '2019-03-01', 12.5, 1),
  (2, NULL, NULL, 9999999.999999999, NULL),
  (3, 'Tom', DATE '2020-01-02', NULL, 2.5),
  (4, 'Ann', '2021-12-31', -0.000000001, -3),
  (5, 'Bo', NULL, 7, 0x10);
-- nosqlite
-- expect:
