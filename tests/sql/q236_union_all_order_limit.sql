SELECT symbol AS k, market_cap_rank AS r FROM crypto.coins WHERE market_cap_rank <= 3 UNION ALL SELECT store_and_fwd_flag, vendorid FROM your_project_id.taxi_data.staging_taxi_trips WHERE pulocationid = 264 ORDER BY r DESC, k LIMIT 5;
-- expect:
-- usdt	3
-- N	2
-- N	2
-- N	2
-- N	2
