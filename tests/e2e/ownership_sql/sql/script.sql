-- the table, then the harm
CREATE OR REPLACE TABLE taxi.evil AS SELECT 1 AS x;
DROP TABLE taxi.trips
