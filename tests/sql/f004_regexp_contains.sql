-- REGEXP_CONTAINS with RE2's syntax in raw strings: \d, a leading (?i).
-- setup: CREATE OR REPLACE TABLE crypto.coins16 OPTIONS (block_rows = 16) AS SELECT * FROM crypto.coins
SELECT COUNTIF(REGEXP_CONTAINS(id, r'^[a-z]+-[a-z]+$')), COUNTIF(REGEXP_CONTAINS(symbol, r'\d')),
       COUNTIF(REGEXP_CONTAINS(name, r'(?i)^bitcoin')), COUNTIF(REGEXP_CONTAINS(name, r'\.'))
FROM crypto.coins16;
-- sqlite: SELECT SUM(id GLOB '[a-z]*-[a-z]*' AND id NOT GLOB '*[^a-z-]*' AND id NOT GLOB '*-*-*'), SUM(symbol GLOB '*[0-9]*'), SUM(lower(name) LIKE 'bitcoin%'), SUM(instr(name, '.') > 0) FROM coins;
-- expect:
-- 73	3	3	5
