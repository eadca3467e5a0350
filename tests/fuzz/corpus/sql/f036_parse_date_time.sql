-- PARSE_DATE, PARSE_DATETIME and PARSE_TIMESTAMP read the whole string by
-- the format: digits without leading zeros, names of months and days, a
-- day of the year, 12-hour times, a zone offset, seconds with a fraction,
-- epoch seconds; whitespace around the value is allowed.
SELECT PARSE_DATE('%Y%m%d', '20240105'), PARSE_DATE('%d/%m/%Y', ' 5/1/2024 '), PARSE_DATE('%B %e, %Y', 'February  9, 2024'),
       PARSE_DATE('%Y-%j', '2024-060'), PARSE_DATE('%y%m%d', '690101'),
       PARSE_DATETIME('%m/%d/%Y %I:%M %p', '01/05/2024 12:30 AM'), PARSE_DATETIME('%b %d %Y %I %p', 'jan 5 2024 1 pm'),
       PARSE_TIMESTAMP('%FT%T%z', '2024-01-05T10:00:00+02:00'), PARSE_TIMESTAMP('%F %E*S', '2024-01-05 07.123456'),
       PARSE_TIMESTAMP('%s', '1700000000');
-- nosqlite
-- expect:
-- 2024-01-05	2024-01-05	2024-02-09	2024-02-29	1969-01-01	2024-01-05 00:30:00	2024-01-05 13:00:00	2024-01-05 08:00:00	2024-01-05 00:00:07.123456	2023-11-14 22:13:20
