-- FORMAT's ' flag groups thousands; %t is a value's text, %T its literal;
-- a NULL argument prints NULL; %% is a percent sign.
SELECT FORMAT("%'d %'.2f %t %T %T %s 100%%", 1234567, 1234567.891, DATE '2024-01-01', 'q', 1.5, NULL);
-- nosqlite
-- expect:
-- 1,234,567 1,234,567.89 2024-01-01 "q" 1.5 NULL 100%
