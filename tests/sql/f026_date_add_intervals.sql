-- DATE_ADD and DATE_SUB take an INTERVAL: a month lands on the same day, or
-- on the month's last when it has fewer (BigQuery's rule: January's 31st
-- plus a month is February's last day, a leap day plus a year the 28th).
SELECT DATE_ADD(DATE '2024-01-31', INTERVAL 1 MONTH), DATE_SUB(DATE '2024-03-31', INTERVAL 1 MONTH),
       DATE_ADD(DATE '2024-02-29', INTERVAL 1 YEAR), DATE_ADD(DATE '2024-01-01', INTERVAL 2 WEEK),
       DATE_SUB(DATE '2024-01-01', INTERVAL 1 QUARTER), DATE_ADD(DATE '2024-01-01', INTERVAL -1 DAY),
       DATE_SUB(DATE '2024-05-31', INTERVAL -1 MONTH);
-- nosqlite
-- expect:
-- 2024-02-29	2024-02-29	2025-02-28	2024-01-15	2023-10-01	2023-12-31	2024-06-30
