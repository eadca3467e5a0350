-- BigQuery's error for two capturing groups in REGEXP_EXTRACT.
SELECT REGEXP_EXTRACT(id, r'(a)(b)') FROM crypto.coins;
-- error: Regular expressions passed into extraction functions must not have more than 1 capturing group
