-- A NOT NULL column left out, or given NULL, is BigQuery's error, and the
-- table keeps its rows (d021).
INSERT INTO crypto.pets (name, born) VALUES ('Max', '2022-02-02'), ('Kit', NULL);
-- error: Required field id cannot be null
