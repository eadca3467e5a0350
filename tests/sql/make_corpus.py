#!/usr/bin/env python3
"""Writes the generated part of the SQL corpus (tests/sql/qNNN_*.sql).

Each case is a GoogleSQL query, optionally the SQLite query that means the
same where the dialects differ (integer division, EXTRACT, date functions,
COUNTIF, ...).  The expected rows are what sqlite3 returns on the fixtures,
so the rows in every file come from the oracle; test_sql then checks that
pipe agrees with them and that sqlite3 still does.  Rerun after changing a
case:  python3 tests/sql/make_corpus.py
Every file it writes starts with its marker line (MARK below), and it
deletes or overwrites only files that start with it: hand-written cases
(bytes, errors, DDL in b*/e*/d*.sql, and q*.sql ones such as
q242_min_max_nan.sql) are never touched, and a case whose file name is taken
by a hand-written file stops the run before any file changes.
"""
import glob, os, sqlite3, sys

HERE = os.path.dirname(os.path.abspath(__file__))

T = "your_project_id.taxi_data.staging_taxi_trips"
O = "your_project_id.taxi_data.optimized_taxi_trips"
C = "crypto.coins"

# (name, googlesql, sqlite or None, unordered)
CASES = [
    # --- the seed homework's queries ---
    ("seed_count_staging", f"SELECT COUNT(*) FROM {T}", None, False),
    ("seed_count_optimized", f"SELECT COUNT(*) FROM `{O}`", None, False),
    ("seed_distinct_vendor_staging", f"SELECT DISTINCT VendorID FROM {T}\nWHERE tpep_dropoff_datetime BETWEEN '2019-01-01' AND '2019-01-15'", None, True),
    ("seed_distinct_vendor_2021", f"SELECT DISTINCT VendorID FROM `your_project_id`.`taxi_data`.`optimized_taxi_trips`\nWHERE tpep_dropoff_datetime BETWEEN '2021-01-01' AND '2021-01-02'", None, True),
    ("seed_count_2023_window", f"SELECT COUNT(*) AS trips FROM {O}\nWHERE tpep_dropoff_datetime >= '2023-01-01' AND tpep_dropoff_datetime < '2023-01-02'", None, False),
    ("seed_fare_zero", f"SELECT COUNT(*) FROM {T} WHERE fare_amount = 0", None, False),
    ("seed_distinct_pu_count", f"SELECT COUNT(DISTINCT PULocationID) FROM {T}", None, False),
    ("seed_vendor_trips", f"SELECT VendorID, COUNT(*) AS trips FROM {O} GROUP BY VendorID ORDER BY VendorID", None, False),
    # --- projection, filters, limits ---
    ("first_rows", f"SELECT vendorid, tpep_pickup_datetime, fare_amount FROM {T} ORDER BY tpep_pickup_datetime, fare_amount, vendorid LIMIT 5", None, False),
    ("limit_offset", f"SELECT tpep_pickup_datetime, total_amount FROM {T} ORDER BY tpep_pickup_datetime DESC, total_amount DESC LIMIT 4 OFFSET 3", None, False),
    ("where_and_or", f"SELECT COUNT(*) FROM {T} WHERE (payment_type = 1 OR payment_type = 2) AND passenger_count > 2", None, False),
    ("where_not", f"SELECT COUNT(*) FROM {T} WHERE NOT (vendorid = 1)", None, False),
    ("where_between_numbers", f"SELECT COUNT(*) FROM {T} WHERE trip_distance BETWEEN 1 AND 2.5", None, False),
    ("where_not_between", f"SELECT COUNT(*) FROM {T} WHERE trip_distance NOT BETWEEN 1 AND 10", None, False),
    ("where_in", f"SELECT payment_type, COUNT(*) FROM {T} WHERE payment_type IN (2, 3, 4) GROUP BY payment_type ORDER BY 1", None, False),
    ("where_not_in", f"SELECT COUNT(*) FROM {T} WHERE pulocationid NOT IN (132, 138, 161, 162)", None, False),
    ("where_is_null", f"SELECT COUNT(*) FROM {T} WHERE airport_fee IS NULL", None, False),
    ("where_is_not_null", f"SELECT COUNT(*) FROM {T} WHERE congestion_surcharge IS NOT NULL", None, False),
    ("where_like_prefix", f"SELECT name FROM {C} WHERE name LIKE 'Bit%' ORDER BY name", None, False),
    ("where_like_underscore", f"SELECT symbol FROM {C} WHERE symbol LIKE '_t_' ORDER BY symbol", None, False),
    ("where_not_like", f"SELECT COUNT(*) FROM {C} WHERE name NOT LIKE '%a%'", None, False),
    ("like_case_sensitive", f"SELECT COUNT(*) FROM {C} WHERE name LIKE 'bit%'", None, False),
    ("where_ts_literal", f"SELECT COUNT(*) FROM {T} WHERE tpep_pickup_datetime < '2019-01-01 00:30:00'", None, False),
    ("where_ts_literal_reversed", f"SELECT COUNT(*) FROM {T} WHERE '2023-01-01 01:00:00' <= tpep_dropoff_datetime", None, False),
    ("where_timestamp_typed_literal", f"SELECT COUNT(*) FROM {T} WHERE tpep_dropoff_datetime > TIMESTAMP '2022-12-31 23:59:59'", "SELECT COUNT(*) FROM staging_taxi_trips WHERE tpep_dropoff_datetime > '2022-12-31 23:59:59'", False),
    ("where_date_of_ts", f"SELECT COUNT(*) FROM {O} WHERE DATE(tpep_dropoff_datetime) = '2019-01-01'", f"SELECT COUNT(*) FROM optimized_taxi_trips WHERE date(tpep_dropoff_datetime) = '2019-01-01'", False),
    ("where_date_range", f"SELECT COUNT(*) FROM {O} WHERE DATE(tpep_dropoff_datetime) BETWEEN DATE '2018-12-01' AND DATE '2019-01-01'", "SELECT COUNT(*) FROM optimized_taxi_trips WHERE date(tpep_dropoff_datetime) BETWEEN '2018-12-01' AND '2019-01-01'", False),
    ("where_date_in", f"SELECT COUNT(*) FROM {O} WHERE DATE(tpep_dropoff_datetime) IN ('2019-01-02', '2023-01-02')", "SELECT COUNT(*) FROM optimized_taxi_trips WHERE date(tpep_dropoff_datetime) IN ('2019-01-02', '2023-01-02')", False),
    ("where_ts_in_literals", f"SELECT COUNT(*) FROM {T} WHERE tpep_pickup_datetime IN ('2019-01-01 00:46:40', '2021-01-01 00:30:10')", None, False),
    ("where_float_eq_int", f"SELECT COUNT(*) FROM {T} WHERE mta_tax = 0.5 AND extra = 1", None, False),
    ("where_expr_both_sides", f"SELECT COUNT(*) FROM {T} WHERE tip_amount * 5 > fare_amount", None, False),
    ("select_star_limit", f"SELECT * FROM {C} ORDER BY market_cap_rank LIMIT 2", None, False),
    ("select_star_except", f"SELECT * EXCEPT (vendorid, tpep_pickup_datetime, tpep_dropoff_datetime, store_and_fwd_flag, congestion_surcharge, airport_fee) FROM {T} ORDER BY total_amount DESC, fare_amount LIMIT 3",
     "SELECT passenger_count, trip_distance, ratecodeid, pulocationid, dolocationid, payment_type, fare_amount, extra, mta_tax, tip_amount, tolls_amount, improvement_surcharge, total_amount FROM staging_taxi_trips ORDER BY total_amount DESC, fare_amount LIMIT 3", False),
    ("select_qualified_star", f"SELECT c.* FROM {C} AS c WHERE c.market_cap_rank = 3", None, False),
    ("select_alias_qualified", f"SELECT t.vendorid AS v, t.fare_amount AS f FROM {T} t ORDER BY f DESC, v LIMIT 3", None, False),
    ("select_no_from", "SELECT 1 + 2 AS three, 'x' || 'y' AS xy, 7 / 2 AS half, -5 AS neg", "SELECT 3, 'xy', 3.5, -5", False),
    ("select_literals_null", "SELECT NULL AS n, TRUE AS t, FALSE AS f", "SELECT NULL, 1, 0", False),
    ("column_names_case", f"SELECT VENDORID, Fare_Amount FROM {T} ORDER BY FARE_AMOUNT DESC, vendorid LIMIT 2", None, False),
    ("comments_in_query", f"SELECT /* the vendor */ vendorid -- trailing\nFROM {T}\n# hash comment\nWHERE vendorid = 2 LIMIT 1", "SELECT vendorid FROM staging_taxi_trips WHERE vendorid = 2 LIMIT 1", False),
    # --- distinct ---
    ("distinct_payment", f"SELECT DISTINCT payment_type FROM {T} ORDER BY payment_type", None, False),
    ("distinct_two_cols", f"SELECT DISTINCT vendorid, payment_type FROM {T} ORDER BY 1, 2", None, False),
    ("distinct_flag", f"SELECT DISTINCT store_and_fwd_flag FROM {T} ORDER BY 1", None, False),
    ("distinct_passengers_nulls", f"SELECT DISTINCT ratecodeid FROM {T} ORDER BY ratecodeid", None, False),
    ("distinct_expr", f"SELECT DISTINCT DATE(tpep_dropoff_datetime) AS d FROM {T} ORDER BY d", "SELECT DISTINCT date(tpep_dropoff_datetime) AS d FROM staging_taxi_trips ORDER BY d", False),
    # --- aggregates ---
    ("agg_all", f"SELECT COUNT(*), COUNT(congestion_surcharge), SUM(passenger_count), MIN(fare_amount), MAX(fare_amount) FROM {T}", None, False),
    ("agg_avg", f"SELECT ROUND(AVG(trip_distance), 6), ROUND(AVG(passenger_count), 6) FROM {T}", None, False),
    ("agg_sum_float", f"SELECT ROUND(SUM(total_amount), 2) FROM {T}", None, False),
    ("agg_min_max_ts", f"SELECT MIN(tpep_pickup_datetime), MAX(tpep_dropoff_datetime) FROM {T}", None, False),
    ("agg_min_max_string", f"SELECT MIN(name), MAX(name), MIN(symbol) FROM {C}", None, False),
    ("agg_count_distinct", f"SELECT COUNT(DISTINCT vendorid), COUNT(DISTINCT payment_type), COUNT(DISTINCT dolocationid) FROM {T}", None, False),
    ("agg_countif", f"SELECT COUNTIF(tip_amount > 0), COUNTIF(airport_fee > 0) FROM {T}", f"SELECT SUM(CASE WHEN tip_amount > 0 THEN 1 ELSE 0 END), SUM(CASE WHEN airport_fee > 0 THEN 1 ELSE 0 END) FROM staging_taxi_trips", False),
    ("agg_empty_input", f"SELECT COUNT(*), SUM(fare_amount), MAX(vendorid) FROM {T} WHERE vendorid = 99", None, False),
    ("agg_sum_all_null", f"SELECT SUM(airport_fee), COUNT(airport_fee) FROM {T} WHERE vendorid = 1 AND tpep_dropoff_datetime < '2020-01-01'", None, False),
    ("agg_in_expression", f"SELECT MAX(fare_amount) - MIN(fare_amount) AS spread, COUNT(*) * 2 AS twice FROM {T}", None, False),
    ("agg_avg_of_expr", f"SELECT ROUND(AVG(tip_amount / NULLIF(fare_amount, 0)), 6) FROM {T}", f"SELECT ROUND(AVG(tip_amount / NULLIF(fare_amount, 0)), 6) FROM staging_taxi_trips", False),
    ("agg_crypto_totals", f"SELECT COUNT(*), SUM(market_cap), COUNT(max_supply) FROM {C}", None, False),
    # --- group by ---
    ("group_vendor", f"SELECT vendorid, COUNT(*) AS n, ROUND(SUM(fare_amount), 2) AS fares FROM {T} GROUP BY vendorid ORDER BY vendorid", None, False),
    ("group_ordinal", f"SELECT payment_type, COUNT(*) FROM {T} GROUP BY 1 ORDER BY 2 DESC, 1", None, False),
    ("group_alias", f"SELECT passenger_count AS p, COUNT(*) AS n FROM {T} GROUP BY p ORDER BY p", None, False),
    ("group_two_keys", f"SELECT vendorid, payment_type, COUNT(*) FROM {T} GROUP BY vendorid, payment_type ORDER BY 1, 2", None, False),
    ("group_expr", f"SELECT DATE(tpep_dropoff_datetime) AS day, COUNT(*) FROM {T} GROUP BY day ORDER BY day", "SELECT date(tpep_dropoff_datetime) AS day, COUNT(*) FROM staging_taxi_trips GROUP BY day ORDER BY day", False),
    ("group_expr_repeated", f"SELECT EXTRACT(YEAR FROM tpep_pickup_datetime), COUNT(*) FROM {T} GROUP BY EXTRACT(YEAR FROM tpep_pickup_datetime) ORDER BY 1", "SELECT CAST(strftime('%Y', tpep_pickup_datetime) AS INTEGER) y, COUNT(*) FROM staging_taxi_trips GROUP BY y ORDER BY 1", False),
    ("group_null_key", f"SELECT congestion_surcharge, COUNT(*) FROM {T} GROUP BY 1 ORDER BY 1", None, False),
    ("group_string_key", f"SELECT store_and_fwd_flag, vendorid, COUNT(*) FROM {T} GROUP BY 1, 2 ORDER BY 1, 2", None, False),
    ("group_having", f"SELECT pulocationid, COUNT(*) AS n FROM {T} GROUP BY pulocationid HAVING COUNT(*) >= 40 ORDER BY n DESC, pulocationid", None, False),
    ("group_having_alias_agg", f"SELECT dolocationid, AVG(fare_amount) AS avg_fare FROM {T} GROUP BY 1 HAVING AVG(fare_amount) > 40 AND COUNT(*) > 2 ORDER BY 1", None, False),
    ("group_having_hidden_agg", f"SELECT vendorid FROM {T} GROUP BY vendorid HAVING SUM(tip_amount) > 1000 ORDER BY 1", None, False),
    ("group_order_by_agg_not_selected", f"SELECT payment_type FROM {T} GROUP BY payment_type ORDER BY COUNT(*) DESC", None, False),
    ("group_key_in_expr", f"SELECT vendorid * 10 + 1 AS k, COUNT(*) FROM {T} GROUP BY vendorid ORDER BY k", None, False),
    ("group_count_distinct", f"SELECT vendorid, COUNT(DISTINCT pulocationid), COUNT(DISTINCT payment_type) FROM {T} GROUP BY vendorid ORDER BY vendorid", None, False),
    ("group_min_max_ts", f"SELECT vendorid, MIN(tpep_pickup_datetime), MAX(tpep_pickup_datetime) FROM {T} GROUP BY 1 ORDER BY 1", None, False),
    ("group_countif", f"SELECT vendorid, COUNTIF(payment_type = 2) AS cash FROM {T} GROUP BY vendorid ORDER BY vendorid", "SELECT vendorid, SUM(CASE WHEN payment_type = 2 THEN 1 ELSE 0 END) FROM staging_taxi_trips GROUP BY vendorid ORDER BY vendorid", False),
    ("group_many_groups", f"SELECT pulocationid, dolocationid, COUNT(*) AS n FROM {T} GROUP BY 1, 2 ORDER BY n DESC, 1, 2 LIMIT 10", None, False),
    ("group_crypto_buckets", f"SELECT CASE WHEN current_price >= 1000 THEN 'high' WHEN current_price >= 1 THEN 'mid' ELSE 'low' END AS bucket, COUNT(*) FROM {C} GROUP BY bucket ORDER BY bucket", None, False),
    ("group_crypto_supply_known", f"SELECT max_supply IS NULL AS no_cap, COUNT(*) FROM {C} GROUP BY 1 ORDER BY 1", None, False),
    ("group_by_timestamp_hour", f"SELECT TIMESTAMP_TRUNC(tpep_pickup_datetime, HOUR) AS h, COUNT(*) FROM {T} WHERE tpep_pickup_datetime < '2019-01-02' GROUP BY h ORDER BY h", "SELECT strftime('%Y-%m-%d %H:00:00', tpep_pickup_datetime) AS h, COUNT(*) FROM staging_taxi_trips WHERE tpep_pickup_datetime < '2019-01-02' GROUP BY h ORDER BY h", False),
    ("group_distinct_and_order", f"SELECT DISTINCT vendorid, passenger_count FROM {T} WHERE passenger_count > 4 ORDER BY vendorid DESC, passenger_count", None, False),
    # --- order by ---
    ("order_desc_nulls_default", f"SELECT congestion_surcharge FROM {T} GROUP BY 1 ORDER BY 1 DESC", None, False),
    ("order_nulls_last", f"SELECT max_supply FROM {C} WHERE market_cap_rank <= 6 ORDER BY max_supply NULLS LAST, market_cap_rank", f"SELECT max_supply FROM coins WHERE market_cap_rank <= 6 ORDER BY max_supply NULLS LAST, market_cap_rank", False),
    ("order_nulls_first_desc", f"SELECT name, max_supply FROM {C} WHERE market_cap_rank <= 6 ORDER BY max_supply DESC NULLS FIRST, name", None, False),
    ("order_by_expression", f"SELECT name FROM {C} ORDER BY LENGTH(name) DESC, name LIMIT 3", None, False),
    ("order_by_hidden_column", f"SELECT name FROM {C} ORDER BY market_cap_rank LIMIT 5", None, False),
    ("order_by_alias", f"SELECT symbol, current_price * 2 AS doubled FROM {C} ORDER BY doubled DESC LIMIT 3", None, False),
    ("order_multi_mixed", f"SELECT vendorid, payment_type, fare_amount FROM {T} ORDER BY vendorid DESC, payment_type, fare_amount DESC, tpep_pickup_datetime LIMIT 6", None, False),
    ("order_strings", f"SELECT symbol FROM {C} WHERE market_cap_rank <= 10 ORDER BY symbol", None, False),
    ("order_limit_zero", f"SELECT name FROM {C} ORDER BY name LIMIT 0", None, False),
    ("order_offset_past_end", f"SELECT name FROM {C} ORDER BY name LIMIT 5 OFFSET 1000", None, False),
    # --- expressions and operators ---
    ("arith_int", f"SELECT vendorid + passenger_count, vendorid - 10, vendorid * passenger_count FROM {T} ORDER BY tpep_pickup_datetime, vendorid, passenger_count LIMIT 3", None, False),
    ("arith_int_division_is_float", f"SELECT pulocationid / 4 FROM {T} ORDER BY tpep_pickup_datetime, pulocationid LIMIT 3", f"SELECT pulocationid * 1.0 / 4 FROM staging_taxi_trips ORDER BY tpep_pickup_datetime, pulocationid LIMIT 3", False),
    ("arith_mixed", f"SELECT ROUND(fare_amount + vendorid * 0.5, 4) FROM {T} ORDER BY tpep_pickup_datetime, fare_amount LIMIT 3", None, False),
    ("arith_precedence", "SELECT 2 + 3 * 4, (2 + 3) * 4, 10 - 4 - 3, -2 * -3", None, False),
    ("arith_null_propagates", f"SELECT COUNT(*) FROM {T} WHERE airport_fee + 1 IS NULL", None, False),
    ("concat_operator", f"SELECT symbol || '-' || id FROM {C} WHERE market_cap_rank <= 3 ORDER BY market_cap_rank", None, False),
    ("compare_strings", f"SELECT COUNT(*) FROM {C} WHERE symbol > 'm' AND symbol <= 'x'", None, False),
    ("compare_ne", f"SELECT COUNT(*) FROM {T} WHERE payment_type != 1 AND payment_type <> 2", None, False),
    ("bool_column", f"SELECT name, current_price > 100 AS pricey FROM {C} WHERE market_cap_rank <= 4 ORDER BY market_cap_rank", None, False),
    ("three_valued_and", f"SELECT COUNT(*) FROM {T} WHERE airport_fee > 0 AND vendorid = 2", None, False),
    ("three_valued_or", f"SELECT COUNT(*) FROM {T} WHERE airport_fee > 0 OR vendorid = 2", None, False),
    ("three_valued_not", f"SELECT COUNT(*) FROM {T} WHERE NOT (airport_fee > 0)", None, False),
    ("three_valued_in_null", "SELECT 1 IN (2, NULL), 2 IN (2, NULL), 1 NOT IN (2, NULL)", "SELECT NULL, 1, NULL", False),
    ("three_valued_truth_table", "SELECT NULL AND FALSE, NULL AND TRUE, NULL OR TRUE, NULL OR FALSE, NOT CAST(NULL AS BOOL)", "SELECT 0, NULL, 1, NULL, NULL", False),
    ("is_true_false", f"SELECT COUNT(*) FROM {T} WHERE (airport_fee > 0) IS NOT TRUE", f"SELECT COUNT(*) FROM staging_taxi_trips WHERE NOT coalesce(airport_fee > 0, 0)", False),
    ("case_searched", f"SELECT CASE WHEN fare_amount < 10 THEN 'short' WHEN fare_amount < 30 THEN 'medium' ELSE 'long' END AS kind, COUNT(*) FROM {T} GROUP BY 1 ORDER BY 1", None, False),
    ("case_simple", f"SELECT CASE payment_type WHEN 1 THEN 'card' WHEN 2 THEN 'cash' ELSE 'other' END AS pay, COUNT(*) FROM {T} GROUP BY pay ORDER BY pay", None, False),
    ("case_no_else_null", f"SELECT CASE WHEN vendorid = 1 THEN 'one' END AS v, COUNT(*) FROM {T} GROUP BY v ORDER BY v", None, False),
    ("case_guards_division", f"SELECT COUNT(*) FROM {T} WHERE CASE WHEN fare_amount = 0 THEN 0 ELSE tip_amount / fare_amount END > 0.2", None, False),
    ("if_function", f"SELECT IF(tip_amount > 0, 'tipped', 'not') AS t, COUNT(*) FROM {T} GROUP BY t ORDER BY t", f"SELECT iif(tip_amount > 0, 'tipped', 'not') AS t, COUNT(*) FROM staging_taxi_trips GROUP BY t ORDER BY t", False),
    ("coalesce", f"SELECT COALESCE(airport_fee, congestion_surcharge, -1) AS fee, COUNT(*) FROM {T} GROUP BY fee ORDER BY fee", None, False),
    ("ifnull", f"SELECT ROUND(SUM(IFNULL(congestion_surcharge, 0)), 2) FROM {T}", None, False),
    ("nullif", f"SELECT COUNT(NULLIF(payment_type, 1)) FROM {T}", None, False),
    ("cast_int_to_string", f"SELECT CAST(vendorid AS STRING) || '/' || CAST(payment_type AS STRING) AS k FROM {T} GROUP BY k ORDER BY k", f"SELECT CAST(vendorid AS TEXT) || '/' || CAST(payment_type AS TEXT) AS k FROM staging_taxi_trips GROUP BY k ORDER BY k", False),
    ("cast_string_to_int", "SELECT CAST('42' AS INT64) + 1, CAST('2.5' AS FLOAT64) * 2", None, False),
    ("cast_float_to_int_rounds", "SELECT CAST(2.5 AS INT64), CAST(-2.5 AS INT64), CAST(1.4 AS INT64)", "SELECT 3, -3, 1", False),
    ("safe_cast_bad", "SELECT SAFE_CAST('abc' AS INT64), SAFE_CAST('12' AS INT64)", "SELECT NULL, 12", False),
    ("cast_ts_to_date", f"SELECT CAST(tpep_pickup_datetime AS DATE) AS d, COUNT(*) FROM {T} GROUP BY d ORDER BY d LIMIT 3", "SELECT date(tpep_pickup_datetime) AS d, COUNT(*) FROM staging_taxi_trips GROUP BY d ORDER BY d LIMIT 3", False),
    ("cast_bool", "SELECT CAST(1 AS BOOL), CAST('true' AS BOOL), CAST(FALSE AS INT64)", "SELECT 1, 1, 0", False),
    # --- date and time functions ---
    ("extract_parts", f"SELECT EXTRACT(YEAR FROM tpep_pickup_datetime), EXTRACT(MONTH FROM tpep_pickup_datetime), EXTRACT(DAY FROM tpep_pickup_datetime), EXTRACT(HOUR FROM tpep_pickup_datetime), EXTRACT(MINUTE FROM tpep_pickup_datetime) FROM {T} ORDER BY tpep_pickup_datetime LIMIT 3",
     "SELECT CAST(strftime('%Y', tpep_pickup_datetime) AS INTEGER), CAST(strftime('%m', tpep_pickup_datetime) AS INTEGER), CAST(strftime('%d', tpep_pickup_datetime) AS INTEGER), CAST(strftime('%H', tpep_pickup_datetime) AS INTEGER), CAST(strftime('%M', tpep_pickup_datetime) AS INTEGER) FROM staging_taxi_trips ORDER BY tpep_pickup_datetime LIMIT 3", False),
    ("extract_dayofweek", f"SELECT EXTRACT(DAYOFWEEK FROM tpep_dropoff_datetime) AS dow, COUNT(*) FROM {T} GROUP BY dow ORDER BY dow", "SELECT CAST(strftime('%w', tpep_dropoff_datetime) AS INTEGER) + 1 AS dow, COUNT(*) FROM staging_taxi_trips GROUP BY dow ORDER BY dow", False),
    ("extract_dayofyear", f"SELECT EXTRACT(DAYOFYEAR FROM DATE(tpep_dropoff_datetime)) AS doy, COUNT(*) FROM {T} GROUP BY doy ORDER BY doy", "SELECT CAST(strftime('%j', tpep_dropoff_datetime) AS INTEGER) AS doy, COUNT(*) FROM staging_taxi_trips GROUP BY doy ORDER BY doy", False),
    ("extract_date", f"SELECT EXTRACT(DATE FROM tpep_pickup_datetime) AS d FROM {T} GROUP BY d ORDER BY d", "SELECT date(tpep_pickup_datetime) AS d FROM staging_taxi_trips GROUP BY d ORDER BY d", False),
    ("date_trunc_month", f"SELECT DATE_TRUNC(DATE(tpep_dropoff_datetime), MONTH) AS m, COUNT(*) FROM {T} GROUP BY m ORDER BY m", "SELECT date(tpep_dropoff_datetime, 'start of month') AS m, COUNT(*) FROM staging_taxi_trips GROUP BY m ORDER BY m", False),
    ("date_trunc_year", f"SELECT DATE_TRUNC(DATE(tpep_dropoff_datetime), YEAR) AS y, COUNT(*) FROM {T} GROUP BY y ORDER BY y", "SELECT date(tpep_dropoff_datetime, 'start of year') AS y, COUNT(*) FROM staging_taxi_trips GROUP BY y ORDER BY y", False),
    ("timestamp_trunc_day", f"SELECT TIMESTAMP_TRUNC(tpep_dropoff_datetime, DAY) AS d, COUNT(*) FROM {T} GROUP BY d ORDER BY d", "SELECT strftime('%Y-%m-%d 00:00:00', tpep_dropoff_datetime) AS d, COUNT(*) FROM staging_taxi_trips GROUP BY d ORDER BY d", False),
    ("timestamp_trunc_month", f"SELECT TIMESTAMP_TRUNC(ath_date, MONTH) AS m, COUNT(*) FROM {C} GROUP BY m ORDER BY COUNT(*) DESC, m LIMIT 3", "SELECT strftime('%Y-%m-01 00:00:00', ath_date) AS m, COUNT(*) FROM coins GROUP BY m ORDER BY COUNT(*) DESC, m LIMIT 3", False),
    ("format_date", f"SELECT FORMAT_DATE('%Y/%m/%d', DATE(tpep_dropoff_datetime)) AS d, COUNT(*) FROM {T} GROUP BY d ORDER BY d", "SELECT strftime('%Y/%m/%d', tpep_dropoff_datetime) AS d, COUNT(*) FROM staging_taxi_trips GROUP BY d ORDER BY d", False),
    ("format_timestamp", f"SELECT FORMAT_TIMESTAMP('%Y-%m-%d %H:%M', tpep_pickup_datetime) FROM {T} ORDER BY tpep_pickup_datetime LIMIT 3", "SELECT strftime('%Y-%m-%d %H:%M', tpep_pickup_datetime) FROM staging_taxi_trips ORDER BY tpep_pickup_datetime LIMIT 3", False),
    ("format_date_month_name", "SELECT FORMAT_DATE('%B %d, %Y', DATE '2019-01-05'), FORMAT_DATE('%a %j', DATE '2023-12-31')", "SELECT 'January 05, 2019', 'Sun 365'", False),
    ("date_constructor", "SELECT DATE(2024, 2, 29), DATE('2019-01-01'), DATE(TIMESTAMP '2021-06-30 23:59:59')", "SELECT '2024-02-29', '2019-01-01', '2021-06-30'", False),
    ("timestamp_constructor", "SELECT TIMESTAMP('2019-01-01 10:00:00'), TIMESTAMP(DATE '2020-02-02')", "SELECT '2019-01-01 10:00:00', '2020-02-02 00:00:00'", False),
    ("timestamp_diff_seconds", f"SELECT TIMESTAMP_DIFF(tpep_dropoff_datetime, tpep_pickup_datetime, SECOND) AS secs FROM {T} ORDER BY tpep_pickup_datetime, secs LIMIT 5",
     "SELECT strftime('%s', tpep_dropoff_datetime) - strftime('%s', tpep_pickup_datetime) AS secs FROM staging_taxi_trips ORDER BY tpep_pickup_datetime, secs LIMIT 5", False),
    ("timestamp_diff_avg_minutes", f"SELECT vendorid, ROUND(AVG(TIMESTAMP_DIFF(tpep_dropoff_datetime, tpep_pickup_datetime, MINUTE)), 4) FROM {T} GROUP BY 1 ORDER BY 1",
     "SELECT vendorid, ROUND(AVG((strftime('%s', tpep_dropoff_datetime) - strftime('%s', tpep_pickup_datetime)) / 60), 4) FROM staging_taxi_trips GROUP BY 1 ORDER BY 1", False),
    ("date_diff_days", f"SELECT name, DATE_DIFF(DATE(last_updated), DATE(ath_date), DAY) AS days FROM {C} ORDER BY market_cap_rank LIMIT 3",
     "SELECT name, CAST(julianday(date(last_updated)) - julianday(date(ath_date)) AS INTEGER) FROM coins ORDER BY market_cap_rank LIMIT 3", False),
    ("datetime_function", f"SELECT DATETIME(tpep_pickup_datetime) FROM {T} ORDER BY tpep_pickup_datetime LIMIT 2", "SELECT tpep_pickup_datetime FROM staging_taxi_trips ORDER BY tpep_pickup_datetime LIMIT 2", False),
    ("ts_with_millis", f"SELECT last_updated FROM {C} ORDER BY market_cap_rank LIMIT 3", None, False),
    ("ts_order_millis", f"SELECT id, ath_date FROM {C} ORDER BY ath_date DESC, id LIMIT 3", None, False),
    ("date_compare_date", f"SELECT COUNT(*) FROM {T} WHERE DATE(tpep_pickup_datetime) < DATE(tpep_dropoff_datetime)", "SELECT COUNT(*) FROM staging_taxi_trips WHERE date(tpep_pickup_datetime) < date(tpep_dropoff_datetime)", False),
    # --- strings ---
    ("string_lower_upper", f"SELECT LOWER(name), UPPER(symbol) FROM {C} ORDER BY market_cap_rank LIMIT 3", None, False),
    ("string_length", f"SELECT LENGTH(name) AS l, COUNT(*) FROM {C} GROUP BY l ORDER BY l LIMIT 5", None, False),
    ("string_substr", f"SELECT SUBSTR(name, 1, 3), SUBSTR(name, 2), SUBSTR(id, -3) FROM {C} ORDER BY market_cap_rank LIMIT 3", None, False),
    ("string_concat_fn", f"SELECT CONCAT(symbol, ':', name) FROM {C} ORDER BY market_cap_rank LIMIT 3", f"SELECT symbol || ':' || name FROM coins ORDER BY market_cap_rank LIMIT 3", False),
    ("string_concat_number", f"SELECT CONCAT(symbol, '#', market_cap_rank) FROM {C} ORDER BY market_cap_rank LIMIT 2", f"SELECT symbol || '#' || market_cap_rank FROM coins ORDER BY market_cap_rank LIMIT 2", False),
    ("string_trim", "SELECT TRIM('  a b  '), LTRIM('xxhixx', 'x'), RTRIM('xxhixx', 'x'), TRIM('--a--', '-')", "SELECT trim('  a b  '), ltrim('xxhixx', 'x'), rtrim('xxhixx', 'x'), trim('--a--', '-')", False),
    ("string_replace", f"SELECT REPLACE(id, '-', '_') FROM {C} WHERE id LIKE '%-%' ORDER BY id LIMIT 4", None, False),
    ("string_starts_with", f"SELECT COUNT(*) FROM {C} WHERE STARTS_WITH(id, 'b')", "SELECT COUNT(*) FROM coins WHERE id LIKE 'b%'", False),
    ("string_ends_with", f"SELECT id FROM {C} WHERE ENDS_WITH(id, 'coin') ORDER BY id LIMIT 5", "SELECT id FROM coins WHERE id LIKE '%coin' ORDER BY id LIMIT 5", False),
    ("string_group_first_letter", f"SELECT SUBSTR(symbol, 1, 1) AS letter, COUNT(*) FROM {C} GROUP BY letter ORDER BY COUNT(*) DESC, letter LIMIT 5", None, False),
    ("string_escape_quote", "SELECT 'it\\'s', \"dq\", 'a\\tb' = 'a\tb', LENGTH('\\\\')", "SELECT 'it''s', 'dq', 1, 1", False),
    # --- math ---
    ("math_abs", f"SELECT ABS(fare_amount) FROM {T} WHERE fare_amount < 0 ORDER BY 1", None, False),
    ("math_round", f"SELECT ROUND(current_price, 2), ROUND(current_price) FROM {C} ORDER BY market_cap_rank LIMIT 3", None, False),
    ("math_round_half_away", "SELECT ROUND(2.5), ROUND(-2.5), ROUND(1.25, 1), ROUND(-0.5)", None, False),
    ("math_floor_ceil", f"SELECT FLOOR(trip_distance), CEIL(trip_distance) FROM {T} ORDER BY tpep_pickup_datetime, trip_distance LIMIT 4", None, False),
    ("math_mod_div", f"SELECT MOD(pulocationid, 7), DIV(pulocationid, 7) FROM {T} ORDER BY tpep_pickup_datetime, pulocationid LIMIT 4", f"SELECT pulocationid % 7, pulocationid / 7 FROM staging_taxi_trips ORDER BY tpep_pickup_datetime, pulocationid LIMIT 4", False),
    ("math_safe_divide", f"SELECT SAFE_DIVIDE(tip_amount, fare_amount) IS NULL AS undefined, COUNT(*) FROM {T} GROUP BY 1 ORDER BY 1", f"SELECT fare_amount = 0 AS undefined, COUNT(*) FROM staging_taxi_trips GROUP BY 1 ORDER BY 1", False),
    ("math_pow_sqrt", "SELECT POW(2, 10), SQRT(16), POWER(9, 0.5)", None, False),
    ("math_greatest_least", f"SELECT GREATEST(tip_amount, tolls_amount, 1), LEAST(extra, mta_tax) FROM {T} ORDER BY tpep_pickup_datetime, tip_amount LIMIT 3", f"SELECT max(tip_amount, tolls_amount, 1), min(extra, mta_tax) FROM staging_taxi_trips ORDER BY tpep_pickup_datetime, tip_amount LIMIT 3", False),
    ("math_unary_minus", f"SELECT -vendorid, -fare_amount FROM {T} ORDER BY tpep_pickup_datetime, fare_amount LIMIT 2", None, False),
    ("math_crypto_ratio", f"SELECT symbol, ROUND(SAFE_DIVIDE(market_cap, total_volume), 3) FROM {C} ORDER BY market_cap_rank LIMIT 5", f"SELECT symbol, ROUND(market_cap * 1.0 / NULLIF(total_volume, 0), 3) FROM coins ORDER BY market_cap_rank LIMIT 5", False),
    # --- joins ---
    ("join_self_inner", f"SELECT a.vendorid, COUNT(*) FROM {T} a JOIN {T} b ON a.tpep_pickup_datetime = b.tpep_pickup_datetime AND a.pulocationid = b.pulocationid GROUP BY 1 ORDER BY 1", None, False),
    ("join_subquery_stats", f"SELECT t.pulocationid, COUNT(*) AS trips, s.avg_fare FROM {T} t JOIN (SELECT pulocationid, ROUND(AVG(fare_amount), 2) AS avg_fare FROM {T} GROUP BY 1) s ON t.pulocationid = s.pulocationid GROUP BY 1, 3 ORDER BY trips DESC, 1 LIMIT 5", None, False),
    ("join_left_unmatched", f"SELECT p.payment_type, COUNT(t.vendorid) FROM (SELECT DISTINCT payment_type FROM {T}) p LEFT JOIN (SELECT * FROM {T} WHERE vendorid = 1) t ON p.payment_type = t.payment_type GROUP BY 1 ORDER BY 1", None, False),
    ("join_left_with_nulls", f"SELECT c.symbol, x.n FROM {C} c LEFT JOIN (SELECT market_cap_rank AS r, 1 AS n FROM {C} WHERE max_supply IS NOT NULL) x ON c.market_cap_rank = x.r WHERE c.market_cap_rank <= 6 ORDER BY c.market_cap_rank", None, False),
    ("join_left_count_nulls", f"SELECT COUNT(*), COUNT(x.id) FROM {C} c LEFT JOIN (SELECT id FROM {C} WHERE current_price > 100) x ON c.id = x.id", None, False),
    ("join_on_expression_keys", f"SELECT COUNT(*) FROM {T} a INNER JOIN {T} b ON a.pulocationid = b.dolocationid AND a.vendorid = b.vendorid", None, False),
    ("join_with_residual", f"SELECT COUNT(*) FROM {C} a JOIN {C} b ON a.symbol = b.symbol AND a.market_cap_rank < b.market_cap_rank", None, False),
    ("join_three_way", f"SELECT a.id FROM {C} a JOIN {C} b ON a.id = b.id JOIN {C} c ON b.symbol = c.symbol WHERE a.market_cap_rank <= 3 ORDER BY a.market_cap_rank", None, False),
    ("join_where_both_sides", f"SELECT a.vendorid, COUNT(*) FROM {T} a JOIN {T} b ON a.tpep_pickup_datetime = b.tpep_dropoff_datetime WHERE a.vendorid = b.vendorid GROUP BY 1 ORDER BY 1", None, True),
    ("join_left_right_filter", f"SELECT c.name, h.current_price FROM {C} c LEFT JOIN {C} h ON c.id = h.id AND h.current_price > 1000 WHERE c.market_cap_rank <= 4 ORDER BY c.market_cap_rank", None, False),
    ("join_cross_small", f"SELECT a.v * 10 + b.v FROM (SELECT vendorid AS v FROM {T} GROUP BY 1) a CROSS JOIN (SELECT vendorid AS v FROM {T} GROUP BY 1) b ORDER BY 1", None, False),
    ("join_comma", f"SELECT COUNT(*) FROM (SELECT DISTINCT vendorid FROM {T}) a, (SELECT DISTINCT payment_type FROM {T}) b", None, False),
    ("join_using_alias_star", f"SELECT x.* FROM (SELECT id, symbol FROM {C} WHERE market_cap_rank = 1) x JOIN {C} y ON x.id = y.id", None, False),
    ("join_dup_keys", f"SELECT a.payment_type, COUNT(*) FROM (SELECT payment_type FROM {T} WHERE vendorid = 1) a JOIN (SELECT payment_type FROM {T} WHERE vendorid = 2) b ON a.payment_type = b.payment_type GROUP BY 1 ORDER BY 1", None, False),
    # --- subqueries and CTEs ---
    ("subquery_from", f"SELECT MAX(n) FROM (SELECT pulocationid, COUNT(*) AS n FROM {T} GROUP BY pulocationid)", None, False),
    ("subquery_alias", f"SELECT s.v, s.n FROM (SELECT vendorid AS v, COUNT(*) AS n FROM {T} GROUP BY 1) AS s ORDER BY s.n DESC", None, False),
    ("subquery_nested", f"SELECT COUNT(*) FROM (SELECT * FROM (SELECT * FROM {T} WHERE vendorid = 2) WHERE payment_type = 1) WHERE passenger_count = 1", None, False),
    ("subquery_limit_inside", f"SELECT SUM(market_cap) FROM (SELECT market_cap FROM {C} ORDER BY market_cap_rank LIMIT 10)", None, False),
    ("cte_simple", f"WITH v AS (SELECT vendorid, COUNT(*) AS n FROM {T} GROUP BY vendorid) SELECT * FROM v ORDER BY vendorid", None, False),
    ("cte_two", f"WITH a AS (SELECT id, current_price FROM {C} WHERE market_cap_rank <= 20), b AS (SELECT id FROM a WHERE current_price > 10) SELECT COUNT(*) FROM b", None, False),
    ("cte_joined_twice", f"WITH d AS (SELECT DATE(tpep_dropoff_datetime) AS day, COUNT(*) AS n FROM {T} GROUP BY 1) SELECT x.day, x.n FROM d x JOIN d y ON x.day = y.day ORDER BY x.day",
     "WITH d AS (SELECT date(tpep_dropoff_datetime) AS day, COUNT(*) AS n FROM staging_taxi_trips GROUP BY 1) SELECT x.day, x.n FROM d x JOIN d y ON x.day = y.day ORDER BY x.day", False),
    ("cte_shadows_table", f"WITH coins AS (SELECT 1 AS x) SELECT * FROM coins", "SELECT 1", False),
    ("cte_with_order_limit", f"WITH top AS (SELECT symbol, market_cap FROM {C} ORDER BY market_cap DESC LIMIT 3) SELECT symbol FROM top ORDER BY symbol", None, False),
    ("cte_aggregate_of_aggregate", f"WITH per_loc AS (SELECT pulocationid, COUNT(*) AS n FROM {T} GROUP BY 1) SELECT n, COUNT(*) AS locations FROM per_loc GROUP BY n ORDER BY n DESC LIMIT 5", None, False),
    ("subquery_distinct_count", f"SELECT COUNT(*) FROM (SELECT DISTINCT pulocationid, dolocationid FROM {T})", None, False),
    # --- crypto analytics ---
    ("crypto_top_caps", f"SELECT market_cap_rank, symbol, market_cap FROM {C} ORDER BY market_cap DESC LIMIT 5", None, False),
    ("crypto_gainers", f"SELECT symbol, price_change_percentage_24h FROM {C} WHERE price_change_percentage_24h IS NOT NULL ORDER BY price_change_percentage_24h DESC LIMIT 5", None, False),
    ("crypto_losers", f"SELECT symbol FROM {C} ORDER BY price_change_percentage_24h NULLS LAST LIMIT 3", f"SELECT symbol FROM coins ORDER BY price_change_percentage_24h NULLS LAST LIMIT 3", False),
    ("crypto_null_high", f"SELECT COUNT(*) FROM {C} WHERE high_24h IS NULL OR low_24h IS NULL", None, False),
    ("crypto_supply_ratio", f"SELECT symbol, ROUND(circulating_supply / max_supply, 4) AS ratio FROM {C} WHERE max_supply > 0 ORDER BY ratio DESC, symbol LIMIT 5", None, False),
    ("crypto_ath_year", f"SELECT EXTRACT(YEAR FROM ath_date) AS y, COUNT(*) FROM {C} GROUP BY y ORDER BY y", "SELECT CAST(strftime('%Y', ath_date) AS INTEGER) AS y, COUNT(*) FROM coins GROUP BY y ORDER BY y", False),
    ("crypto_stable_like", f"SELECT symbol, ROUND(current_price, 4) FROM {C} WHERE current_price BETWEEN 0.99 AND 1.01 ORDER BY market_cap_rank LIMIT 6", None, False),
    ("crypto_volume_share", f"SELECT ROUND(SUM(CASE WHEN market_cap_rank <= 10 THEN total_volume ELSE 0 END) / SUM(total_volume), 6) FROM {C}", None, False),
    ("crypto_avg_change_by_bucket", f"SELECT IF(market_cap_rank <= 50, 'top50', 'rest') AS tier, ROUND(AVG(price_change_percentage_24h), 6), COUNT(price_change_percentage_24h) FROM {C} GROUP BY tier ORDER BY tier",
     f"SELECT iif(market_cap_rank <= 50, 'top50', 'rest') AS tier, ROUND(AVG(price_change_percentage_24h), 6), COUNT(price_change_percentage_24h) FROM coins GROUP BY tier ORDER BY tier", False),
    ("crypto_fdv_missing", f"SELECT COUNT(*) FROM {C} WHERE fully_diluted_valuation IS NULL", None, False),
    ("crypto_atl_before_2018", f"SELECT COUNT(*) FROM {C} WHERE atl_date < '2018-01-01'", None, False),
    ("crypto_last_updated_minute", f"SELECT TIMESTAMP_TRUNC(last_updated, MINUTE) AS m, COUNT(*) FROM {C} GROUP BY m ORDER BY COUNT(*) DESC, m LIMIT 3", "SELECT strftime('%Y-%m-%d %H:%M:00', last_updated) AS m, COUNT(*) FROM coins GROUP BY m ORDER BY COUNT(*) DESC, m LIMIT 3", False),
    ("crypto_name_lengths", f"SELECT MAX(LENGTH(name)), MIN(LENGTH(symbol)) FROM {C}", None, False),
    ("crypto_big_int_sum", f"SELECT SUM(market_cap), SUM(fully_diluted_valuation) FROM {C} WHERE market_cap_rank <= 100", None, False),
    # --- taxi analytics ---
    ("taxi_tip_rate_by_payment", f"SELECT payment_type, ROUND(SUM(tip_amount) / SUM(fare_amount), 6) FROM {T} WHERE fare_amount > 0 GROUP BY 1 ORDER BY 1", None, False),
    ("taxi_busy_hours", f"SELECT EXTRACT(HOUR FROM tpep_pickup_datetime) AS h, COUNT(*) AS n FROM {T} GROUP BY h ORDER BY n DESC, h LIMIT 3",
     "SELECT CAST(strftime('%H', tpep_pickup_datetime) AS INTEGER) AS h, COUNT(*) AS n FROM staging_taxi_trips GROUP BY h ORDER BY n DESC, h LIMIT 3", False),
    ("taxi_long_trips", f"SELECT vendorid, trip_distance, total_amount FROM {T} WHERE trip_distance > 15 ORDER BY trip_distance DESC, total_amount LIMIT 5", None, False),
    ("taxi_negative_fares", f"SELECT tpep_pickup_datetime, fare_amount, total_amount FROM {T} WHERE total_amount < 0 ORDER BY tpep_pickup_datetime, fare_amount", None, False),
    ("taxi_airport_fee_2023", f"SELECT airport_fee, COUNT(*) FROM {O} WHERE tpep_dropoff_datetime >= '2022-12-31' GROUP BY 1 ORDER BY 1", None, False),
    ("taxi_year_summary", f"SELECT EXTRACT(YEAR FROM tpep_dropoff_datetime) AS y, COUNT(*), ROUND(AVG(total_amount), 4), MAX(passenger_count) FROM {O} GROUP BY y ORDER BY y",
     "SELECT CAST(strftime('%Y', tpep_dropoff_datetime) AS INTEGER) AS y, COUNT(*), ROUND(AVG(total_amount), 4), MAX(passenger_count) FROM optimized_taxi_trips GROUP BY y ORDER BY y", False),
    ("taxi_ratecode_dist", f"SELECT ratecodeid, COUNT(*), ROUND(AVG(trip_distance), 4) FROM {T} GROUP BY ratecodeid ORDER BY ratecodeid", None, False),
    ("taxi_flag_y", f"SELECT vendorid, pulocationid, dolocationid FROM {T} WHERE store_and_fwd_flag = 'Y' ORDER BY tpep_pickup_datetime, vendorid", None, False),
    ("taxi_same_zone", f"SELECT COUNT(*) FROM {T} WHERE pulocationid = dolocationid", None, False),
    ("taxi_optimized_equals_staging", f"SELECT COUNT(*), ROUND(SUM(total_amount), 2), COUNT(DISTINCT tpep_pickup_datetime) FROM {O}", None, False),
    ("taxi_optimized_cluster_filter", f"SELECT COUNT(*) FROM {O} WHERE vendorid = 1 AND tpep_dropoff_datetime BETWEEN '2021-01-01' AND '2021-12-31'", None, False),
    ("taxi_partition_in_list", f"SELECT DATE(tpep_dropoff_datetime) AS d, COUNT(*) FROM {O} WHERE DATE(tpep_dropoff_datetime) IN (DATE '2018-11-28', DATE '2022-12-31') GROUP BY d ORDER BY d",
     "SELECT date(tpep_dropoff_datetime) AS d, COUNT(*) FROM optimized_taxi_trips WHERE date(tpep_dropoff_datetime) IN ('2018-11-28', '2022-12-31') GROUP BY d ORDER BY d", False),
    ("taxi_partition_gt", f"SELECT COUNT(*) FROM {O} WHERE DATE(tpep_dropoff_datetime) > '2022-12-31'", "SELECT COUNT(*) FROM optimized_taxi_trips WHERE date(tpep_dropoff_datetime) > '2022-12-31'", False),
    ("taxi_partition_lt", f"SELECT COUNT(*) FROM {O} WHERE DATE(tpep_dropoff_datetime) < '2019-01-01'", "SELECT COUNT(*) FROM optimized_taxi_trips WHERE date(tpep_dropoff_datetime) < '2019-01-01'", False),
    ("taxi_pickup_vs_dropoff_days", f"SELECT COUNT(*) FROM {O} WHERE tpep_dropoff_datetime < '2019-01-01' AND tpep_pickup_datetime < '2018-12-01'", None, False),
    # --- NUMERIC, DISTINCT aggregates, odds and ends ---
    ("numeric_arith", "SELECT CAST('1.25' AS NUMERIC) * 2, CAST('0.1' AS NUMERIC) + CAST('0.2' AS NUMERIC), CAST('10' AS NUMERIC) / 4", "SELECT 2.5, 0.3, 2.5", False),
    ("numeric_with_int", "SELECT NUMERIC '3.5' + 1, 2 * NUMERIC '0.25', NUMERIC '1.5' > 1", "SELECT 4.5, 0.5, 1", False),
    ("numeric_sum_avg", f"SELECT SUM(CAST(fare_amount AS NUMERIC)), MIN(CAST(tip_amount AS NUMERIC)) FROM {T} WHERE vendorid = 1 AND tpep_dropoff_datetime < '2019-01-01 01:00:00'",
     f"SELECT SUM(fare_amount), MIN(tip_amount) FROM staging_taxi_trips WHERE vendorid = 1 AND tpep_dropoff_datetime < '2019-01-01 01:00:00'", False),
    ("sum_distinct", f"SELECT SUM(DISTINCT payment_type), AVG(DISTINCT vendorid) FROM {T}", None, False),
    ("count_distinct_per_group_strings", f"SELECT SUBSTR(symbol, 1, 1) AS l, COUNT(DISTINCT name) FROM {C} GROUP BY l ORDER BY l LIMIT 5", None, False),
    ("any_value_grouped", f"SELECT vendorid, ANY_VALUE(mta_tax) IS NOT NULL FROM {T} GROUP BY vendorid ORDER BY vendorid", "SELECT vendorid, 1 FROM staging_taxi_trips GROUP BY vendorid ORDER BY vendorid", False),
    ("contains_substr", f"SELECT COUNT(*) FROM {C} WHERE CONTAINS_SUBSTR(name, 'COIN')", "SELECT COUNT(*) FROM coins WHERE lower(name) LIKE '%coin%'", False),
    ("nested_case_mask", f"SELECT COUNT(*) FROM {T} WHERE CASE WHEN passenger_count = 0 THEN FALSE WHEN fare_amount / passenger_count > 20 THEN CASE WHEN tip_amount = 0 THEN FALSE ELSE fare_amount / tip_amount < 5 END ELSE FALSE END",
     f"SELECT COUNT(*) FROM staging_taxi_trips WHERE CASE WHEN passenger_count = 0 THEN 0 WHEN fare_amount * 1.0 / passenger_count > 20 THEN CASE WHEN tip_amount = 0 THEN 0 ELSE fare_amount / tip_amount < 5 END ELSE 0 END", False),
    ("if_guards_division", f"SELECT ROUND(SUM(IF(passenger_count = 0, 0, total_amount / passenger_count)), 4) FROM {T}", f"SELECT ROUND(SUM(CASE WHEN passenger_count = 0 THEN 0 ELSE total_amount / passenger_count END), 4) FROM staging_taxi_trips", False),
    ("coalesce_types_widen", f"SELECT COALESCE(max_supply, market_cap_rank) FROM {C} ORDER BY market_cap_rank LIMIT 3", None, False),
    ("in_with_expressions", f"SELECT COUNT(*) FROM {T} WHERE vendorid + 1 IN (payment_type, passenger_count)", None, False),
    ("between_strings", f"SELECT COUNT(*) FROM {C} WHERE symbol BETWEEN 'a' AND 'c'", None, False),
    ("is_null_on_expression", f"SELECT COUNT(*) FROM {C} WHERE (max_supply - total_supply) IS NULL", None, False),
    ("group_by_bool", f"SELECT tip_amount > 0 AS tipped, COUNT(*) FROM {T} GROUP BY tipped ORDER BY tipped", None, False),
    ("order_by_bool_desc", f"SELECT symbol, current_price > 1000 AS big FROM {C} WHERE market_cap_rank <= 5 ORDER BY big DESC, symbol", None, False),
    ("limit_without_order_count", f"SELECT COUNT(*) FROM (SELECT vendorid FROM {T} LIMIT 7)", None, False),
    ("distinct_all_columns_dupes", f"SELECT COUNT(*) FROM (SELECT DISTINCT * FROM {T})", None, False),
    ("having_without_group", f"SELECT COUNT(*) FROM {T} HAVING COUNT(*) > 1000", None, False),
    ("select_expression_of_aggregates", f"SELECT ROUND(SUM(tip_amount) / COUNT(*), 6), MAX(trip_distance) > 50 FROM {T}", None, False),
    ("join_cte_aggregate_back", f"WITH daily AS (SELECT DATE(tpep_dropoff_datetime) AS d, COUNT(*) AS n FROM {T} GROUP BY 1) SELECT t.vendorid, COUNT(*) FROM {T} t JOIN daily ON DATE(t.tpep_dropoff_datetime) = daily.d WHERE daily.n > 100 GROUP BY 1 ORDER BY 1",
     "WITH daily AS (SELECT date(tpep_dropoff_datetime) AS d, COUNT(*) AS n FROM staging_taxi_trips GROUP BY 1) SELECT t.vendorid, COUNT(*) FROM staging_taxi_trips t JOIN daily ON date(t.tpep_dropoff_datetime) = daily.d WHERE daily.n > 100 GROUP BY 1 ORDER BY 1", False),
    ("join_small_left_residual", f"SELECT COUNT(*), ROUND(SUM(b.fare_amount), 2) FROM (SELECT DISTINCT payment_type AS p FROM {T}) a JOIN {T} b ON a.p = b.payment_type AND b.fare_amount > a.p * 10", None, False),
    ("join_small_left_star_order", f"SELECT * FROM (SELECT 2 AS v, 'two' AS label) a JOIN {T} b ON a.v = b.vendorid ORDER BY b.tpep_pickup_datetime, b.fare_amount LIMIT 2", None, False),
    ("join_small_left_filter_both", f"SELECT a.label, COUNT(*) FROM (SELECT 1 AS v, 'one' AS label) a JOIN {T} b ON a.v = b.vendorid WHERE b.payment_type = 2 AND a.label = 'one' GROUP BY 1", None, False),
    ("table_name_case", "SELECT COUNT(*) FROM Crypto.COINS AS C WHERE c.Market_Cap_Rank <= 3", "SELECT COUNT(*) FROM coins WHERE market_cap_rank <= 3", False),
    ("union_all_order_limit", f"SELECT symbol AS k, market_cap_rank AS r FROM {C} WHERE market_cap_rank <= 3 UNION ALL SELECT store_and_fwd_flag, vendorid FROM {T} WHERE pulocationid = 264 ORDER BY r DESC, k LIMIT 5", None, False),
    ("union_distinct", f"SELECT vendorid FROM {T} UNION DISTINCT SELECT payment_type FROM {T} ORDER BY 1", f"SELECT vendorid FROM staging_taxi_trips UNION SELECT payment_type FROM staging_taxi_trips ORDER BY 1", False),
    ("union_all_widens_types", "SELECT 1 AS x UNION ALL SELECT 2.5 UNION ALL SELECT 3 ORDER BY x", None, False),
    ("union_all_in_subquery", f"SELECT COUNT(*), COUNT(DISTINCT id) FROM (SELECT id FROM {C} WHERE market_cap_rank <= 100 UNION ALL SELECT id FROM {C} WHERE market_cap_rank > 50)", None, False),
    ("union_all_cte_arms", f"WITH y AS (SELECT EXTRACT(YEAR FROM tpep_dropoff_datetime) AS yr, COUNT(*) AS n FROM {T} GROUP BY 1) SELECT 'max' AS what, MAX(n) FROM y UNION ALL SELECT 'min', MIN(n) FROM y ORDER BY what",
     "WITH y AS (SELECT CAST(strftime('%Y', tpep_dropoff_datetime) AS INTEGER) AS yr, COUNT(*) AS n FROM staging_taxi_trips GROUP BY 1) SELECT 'max' AS what, MAX(n) FROM y UNION ALL SELECT 'min', MIN(n) FROM y ORDER BY what", False),
    ("union_all_unordered", f"SELECT vendorid, COUNT(*) FROM {T} GROUP BY 1 UNION ALL SELECT payment_type, COUNT(*) FROM {T} GROUP BY 1", None, True),
]


def load(db):
    for path, table in [("fixtures/staging_taxi_trips.tsv", "staging_taxi_trips"), ("fixtures/coins.tsv", "coins")]:
        header = None
        rows = []
        for line in open(os.path.join(HERE, path)):
            line = line.rstrip("\n")
            if line.startswith("#"):
                continue
            cells = line.split("\t")
            if header is None:
                header = [c.split(":") for c in cells]
                cols = ", ".join("%s %s" % (n, {"INT64": "INTEGER", "FLOAT64": "REAL"}.get(t, "TEXT")) for n, t in header)
                db.execute("CREATE TABLE %s (%s)" % (table, cols))
                continue
            row = []
            for (n, t), c in zip(header, cells):
                if c == "\\N":
                    row.append(None)
                elif t == "INT64":
                    row.append(int(c))
                elif t == "FLOAT64":
                    row.append(float(c))
                else:
                    row.append(c.replace("\\t", "\t").replace("\\n", "\n").replace("\\\\", "\\"))
            rows.append(row)
        db.executemany("INSERT INTO %s VALUES (%s)" % (table, ", ".join("?" * len(header))), rows)
    db.execute("CREATE TABLE optimized_taxi_trips AS SELECT * FROM staging_taxi_trips")
    db.execute("PRAGMA case_sensitive_like = 1")


def for_sqlite(q):
    q = q.replace("`", "")
    for p in ["your_project_id.", "taxi_data.", "crypto."]:
        q = q.replace(p, "")
    return q


def fmt(v):
    if v is None:
        return "NULL"
    if isinstance(v, float):
        return repr(v)
    return str(v)


MARK = "-- generated by tests/sql/%s: change the case there, not this file"


def write_generated(script, pattern, files):
    """Replaces the files script wrote before (those matching pattern whose
    first line is script's MARK) with files, a list of (name, text).  A file
    without the mark is never deleted or overwritten."""
    mark = MARK % script

    def generated(path):
        with open(path) as f:
            return f.readline().rstrip("\n") == mark

    for name, _ in files:
        path = os.path.join(HERE, name)
        if os.path.exists(path) and not generated(path):
            sys.exit("%s: %s is not generated (no mark on its first line); rename the case" % (script, name))
    for old in glob.glob(os.path.join(HERE, pattern)):
        if generated(old):
            os.remove(old)
    for name, text in files:
        with open(os.path.join(HERE, name), "w") as f:
            f.write(mark + "\n" + text)


def main():
    db = sqlite3.connect(":memory:")
    load(db)
    files = []
    for i, (name, q, sq, unordered) in enumerate(CASES, 1):
        lines = [q.rstrip(";") + ";"]
        if sq:
            lines += ["-- sqlite: " + l for l in sq.split("\n")]
        if unordered:
            lines.append("-- unordered")
        try:
            rows = db.execute(sq or for_sqlite(q)).fetchall()
        except sqlite3.Error as e:
            print("skipped %s: sqlite3: %s" % (name, e))
            continue
        lines.append("-- expect:")
        lines += ["-- " + "\t".join(fmt(v) for v in r) for r in rows]
        files.append(("q%03d_%s.sql" % (i, name), "\n".join(lines) + "\n"))
    write_generated("make_corpus.py", "q[0-9][0-9][0-9]_*.sql", files)


if __name__ == "__main__":
    main()
