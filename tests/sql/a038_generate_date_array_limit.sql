-- GENERATE_DATE_ARRAY is written out as rows in UNNEST, up to 10,000 days.
SELECT COUNT(*) FROM UNNEST(GENERATE_DATE_ARRAY('2000-01-01', '2040-01-01')) AS d;
-- error: UNNEST of GENERATE_DATE_ARRAY of more than 10000 days: it is written out as rows
