-- Months step from the element before, as BigQuery's do: the 31st plus a
-- month is February's last day, and the 28th from there on.
SELECT STRING_AGG(CAST(m AS STRING), ' ' ORDER BY m)
FROM UNNEST(GENERATE_DATE_ARRAY('2020-12-31', '2021-04-30', INTERVAL 1 MONTH)) AS m;
-- nosqlite
-- expect:
-- 2020-12-31 2021-01-31 2021-02-28 2021-03-28 2021-04-28
