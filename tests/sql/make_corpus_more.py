#!/usr/bin/env python3
"""Writes the generated corpus for analytic functions, subqueries, joins and
set operations: tests/sql/w*.sql (window functions and QUALIFY), s*.sql
(subqueries in expressions), j*.sql (USING, RIGHT and FULL joins) and
x*.sql (INTERSECT and EXCEPT).

As in make_corpus.py, the expected rows are what sqlite3 returns on the
fixtures; a case gives the SQLite query where the dialects differ (SQLite
has no QUALIFY, for one).  Rerun after changing a case:
    python3 tests/sql/make_corpus_more.py
Like make_corpus.py, it marks the files it writes and deletes or overwrites
only those: a hand-written w*/s*/j*/x*.sql file stays.
"""
import os, sqlite3

# the fixtures, the dialect rewrites, the value format and the marked
# writing are make_corpus.py's
from make_corpus import fmt, for_sqlite, load, write_generated

HERE = os.path.dirname(os.path.abspath(__file__))

T = "taxi_data.staging_taxi_trips"
O = "your_project_id.taxi_data.optimized_taxi_trips"
C = "crypto.coins"

SET = object()  # the SQLite query is the same with plain INTERSECT and EXCEPT

# (prefix, name, googlesql, sqlite or None or SET, unordered)
CASES = [
    # --- window functions ---
    ("w", "dedup_latest_per_key",
     f"SELECT vendorid, pulocationid, tpep_dropoff_datetime, total_amount FROM {T}\n"
     "QUALIFY ROW_NUMBER() OVER (PARTITION BY vendorid, pulocationid ORDER BY tpep_dropoff_datetime DESC, total_amount DESC) = 1\n"
     "ORDER BY vendorid, pulocationid",
     "SELECT vendorid, pulocationid, tpep_dropoff_datetime, total_amount FROM (SELECT *, ROW_NUMBER() OVER "
     "(PARTITION BY vendorid, pulocationid ORDER BY tpep_dropoff_datetime DESC, total_amount DESC) AS rn FROM staging_taxi_trips) "
     "WHERE rn = 1 ORDER BY vendorid, pulocationid", False),
    ("w", "dedup_star_first_letter",
     f"SELECT * EXCEPT (ath_date, atl_date, last_updated) FROM {C}\n"
     "QUALIFY ROW_NUMBER() OVER (PARTITION BY SUBSTR(symbol, 1, 1) ORDER BY market_cap_rank) = 1\nORDER BY symbol",
     "SELECT id, symbol, name, current_price, market_cap, market_cap_rank, fully_diluted_valuation, total_volume, high_24h, "
     "low_24h, price_change_24h, price_change_percentage_24h, market_cap_change_24h, market_cap_change_percentage_24h, "
     "circulating_supply, total_supply, max_supply, ath, ath_change_percentage, atl, atl_change_percentage FROM "
     "(SELECT *, ROW_NUMBER() OVER (PARTITION BY substr(symbol, 1, 1) ORDER BY market_cap_rank) AS rn FROM coins) "
     "WHERE rn = 1 ORDER BY symbol", False),
    ("w", "row_number_rank_dense_rank",
     f"SELECT symbol, ROUND(current_price) AS p, ROW_NUMBER() OVER (ORDER BY ROUND(current_price) DESC, market_cap_rank) AS rn,\n"
     "RANK() OVER (ORDER BY ROUND(current_price) DESC) AS r, DENSE_RANK() OVER (ORDER BY ROUND(current_price) DESC) AS dr\n"
     f"FROM {C} ORDER BY rn LIMIT 40", None, False),
    ("w", "rank_per_partition",
     f"SELECT payment_type, fare_amount, RANK() OVER (PARTITION BY payment_type ORDER BY fare_amount DESC),\n"
     f"DENSE_RANK() OVER (PARTITION BY payment_type ORDER BY fare_amount DESC) FROM {T}\n"
     "WHERE pulocationid = 132 ORDER BY 1, 2 DESC", None, False),
    ("w", "lag_lead_offset_default",
     f"SELECT symbol, market_cap_rank, LAG(symbol) OVER (ORDER BY market_cap_rank),\n"
     "LEAD(current_price, 2, 0.0) OVER (ORDER BY market_cap_rank), LAG(market_cap_rank, 3, -1) OVER (ORDER BY market_cap_rank),\n"
     "LEAD(symbol, 0) OVER (ORDER BY market_cap_rank)\n"
     f"FROM {C} WHERE market_cap_rank <= 12 ORDER BY market_cap_rank", None, False),
    ("w", "lag_per_partition_timestamps",
     f"SELECT vendorid, tpep_pickup_datetime, LAG(tpep_pickup_datetime) OVER (PARTITION BY vendorid ORDER BY tpep_pickup_datetime),\n"
     "LEAD(fare_amount, 1, -1) OVER (PARTITION BY vendorid ORDER BY tpep_pickup_datetime, fare_amount)\n"
     f"FROM {O} WHERE tpep_dropoff_datetime < '2019-01-01 00:10:00' ORDER BY 1, 2, 4", None, False),
    ("w", "first_last_value",
     f"SELECT symbol, FIRST_VALUE(symbol) OVER (PARTITION BY market_cap_rank <= 5 ORDER BY market_cap_rank),\n"
     "LAST_VALUE(symbol) OVER (ORDER BY market_cap_rank ROWS BETWEEN CURRENT ROW AND 2 FOLLOWING),\n"
     "LAST_VALUE(symbol) OVER (ORDER BY market_cap_rank),\n"
     "FIRST_VALUE(current_price) OVER (ORDER BY market_cap_rank ROWS BETWEEN 3 PRECEDING AND 1 PRECEDING)\n"
     f"FROM {C} WHERE market_cap_rank <= 10 ORDER BY market_cap_rank", None, False),
    ("w", "last_value_peers",
     f"SELECT DISTINCT vendorid, payment_type, LAST_VALUE(payment_type) OVER (PARTITION BY vendorid ORDER BY payment_type),\n"
     f"COUNT(*) OVER (PARTITION BY vendorid ORDER BY payment_type) FROM {T} ORDER BY 1, 2", None, False),
    ("w", "running_aggregates",
     f"SELECT market_cap_rank, SUM(market_cap) OVER (ORDER BY market_cap_rank), COUNT(*) OVER (ORDER BY market_cap_rank),\n"
     "ROUND(AVG(current_price) OVER (ORDER BY market_cap_rank ROWS BETWEEN 2 PRECEDING AND CURRENT ROW), 6),\n"
     "MIN(current_price) OVER (ORDER BY market_cap_rank ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING),\n"
     "MAX(symbol) OVER (ORDER BY market_cap_rank ROWS 3 PRECEDING), COUNT(max_supply) OVER (ORDER BY market_cap_rank)\n"
     f"FROM {C} WHERE market_cap_rank <= 25 ORDER BY market_cap_rank", None, False),
    ("w", "frames_to_the_end",
     f"SELECT market_cap_rank, SUM(market_cap_rank) OVER (ORDER BY market_cap_rank ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING),\n"
     "COUNT(max_supply) OVER (ORDER BY market_cap_rank ROWS BETWEEN 2 FOLLOWING AND UNBOUNDED FOLLOWING),\n"
     "MAX(current_price) OVER (ORDER BY market_cap_rank ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING),\n"
     "SUM(market_cap_rank) OVER (ORDER BY market_cap_rank ROWS BETWEEN UNBOUNDED PRECEDING AND 2 PRECEDING),\n"
     "COUNT(*) OVER (ORDER BY market_cap_rank ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)\n"
     f"FROM {C} WHERE market_cap_rank <= 15 ORDER BY market_cap_rank", None, False),
    ("w", "default_frame_peers",
     f"SELECT DISTINCT payment_type, COUNT(*) OVER (ORDER BY payment_type), ROUND(SUM(fare_amount) OVER (ORDER BY payment_type), 4),\n"
     f"COUNT(*) OVER (ORDER BY payment_type RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) FROM {T} ORDER BY 1", None, False),
    ("w", "whole_partition",
     f"SELECT DISTINCT vendorid, COUNT(*) OVER (PARTITION BY vendorid), ROUND(AVG(total_amount) OVER (PARTITION BY vendorid), 6),\n"
     f"MAX(trip_distance) OVER (PARTITION BY vendorid), MIN(tpep_pickup_datetime) OVER (PARTITION BY vendorid) FROM {T} ORDER BY 1", None, False),
    ("w", "over_aggregates",
     f"SELECT vendorid, COUNT(*) AS n, SUM(COUNT(*)) OVER () AS total, RANK() OVER (ORDER BY COUNT(*) DESC) AS r,\n"
     f"ROUND(SUM(fare_amount) / SUM(SUM(fare_amount)) OVER (), 6) FROM {T} GROUP BY vendorid ORDER BY vendorid", None, False),
    ("w", "in_order_by",
     f"SELECT symbol FROM {C} WHERE market_cap_rank <= 10 ORDER BY ROW_NUMBER() OVER (ORDER BY current_price DESC) LIMIT 5", None, False),
    ("w", "qualify_alias",
     f"SELECT symbol, RANK() OVER (ORDER BY total_volume DESC) AS r FROM {C} QUALIFY r <= 3 ORDER BY r",
     "SELECT symbol, r FROM (SELECT symbol, RANK() OVER (ORDER BY total_volume DESC) AS r FROM coins) WHERE r <= 3 ORDER BY r", False),
    ("w", "qualify_with_where_and_group",
     f"SELECT pulocationid, COUNT(*) AS n FROM {O} WHERE tpep_dropoff_datetime >= '2023-01-01' GROUP BY 1\n"
     "QUALIFY DENSE_RANK() OVER (ORDER BY COUNT(*) DESC) <= 2 ORDER BY n DESC, 1",
     "SELECT pulocationid, n FROM (SELECT pulocationid, COUNT(*) AS n, DENSE_RANK() OVER (ORDER BY COUNT(*) DESC) AS d "
     "FROM optimized_taxi_trips WHERE tpep_dropoff_datetime >= '2023-01-01' GROUP BY 1) WHERE d <= 2 ORDER BY n DESC, 1", False),
    ("w", "nulls_in_keys",
     f"SELECT symbol, max_supply, RANK() OVER (ORDER BY max_supply), RANK() OVER (ORDER BY max_supply DESC),\n"
     "ROW_NUMBER() OVER (PARTITION BY fully_diluted_valuation IS NULL ORDER BY market_cap_rank)\n"
     f"FROM {C} WHERE market_cap_rank <= 12 ORDER BY market_cap_rank", None, False),
    ("w", "several_windows_in_cte",
     f"WITH r AS (SELECT vendorid, payment_type, total_amount, ROW_NUMBER() OVER (PARTITION BY vendorid ORDER BY total_amount DESC, "
     "tpep_pickup_datetime, fare_amount, trip_distance) AS rn FROM " + T + ")\n"
     "SELECT vendorid, payment_type, total_amount, SUM(total_amount) OVER (PARTITION BY vendorid ORDER BY rn) FROM r WHERE rn <= 3 ORDER BY 1, rn",
     None, False),
    # --- USING, RIGHT and FULL joins ---
    ("j", "using_self_join",
     f"SELECT a.symbol, b.name, id FROM {C} a JOIN {C} b USING (id) WHERE a.market_cap_rank <= 3 ORDER BY a.market_cap_rank", None, False),
    ("j", "using_star_once",
     f"WITH p AS (SELECT payment_type, COUNT(*) AS n FROM {T} GROUP BY 1),\n"
     f"v AS (SELECT payment_type, vendorid, COUNT(*) AS m FROM {T} GROUP BY 1, 2)\n"
     "SELECT * FROM p JOIN v USING (payment_type) ORDER BY payment_type, vendorid", None, False),
    ("j", "using_columns_first",
     f"WITH p AS (SELECT COUNT(*) AS n, payment_type FROM {T} GROUP BY 2),\n"
     f"v AS (SELECT vendorid, COUNT(*) AS m, payment_type FROM {T} GROUP BY 1, 3)\n"
     "SELECT * FROM p JOIN v USING (payment_type) ORDER BY payment_type, vendorid",
     "WITH p AS (SELECT COUNT(*) AS n, payment_type FROM staging_taxi_trips GROUP BY 2), "
     "v AS (SELECT vendorid, COUNT(*) AS m, payment_type FROM staging_taxi_trips GROUP BY 1, 3) "
     "SELECT payment_type, n, vendorid, m FROM p JOIN v USING (payment_type) ORDER BY payment_type, vendorid", False),
    ("j", "using_two_columns",
     f"WITH a AS (SELECT vendorid, payment_type, COUNT(*) AS n FROM {T} GROUP BY 1, 2),\n"
     f"b AS (SELECT vendorid, payment_type, ROUND(SUM(tip_amount), 2) AS tips FROM {T} WHERE tip_amount > 0 GROUP BY 1, 2)\n"
     "SELECT vendorid, payment_type, n, tips FROM a LEFT JOIN b USING (vendorid, payment_type) ORDER BY 1, 2", None, False),
    ("j", "right_join",
     f"SELECT c.symbol, t.n FROM (SELECT pulocationid AS r, COUNT(*) AS n FROM {T} GROUP BY 1) t\n"
     f"RIGHT JOIN {C} c ON t.r = c.market_cap_rank WHERE c.market_cap_rank <= 12 ORDER BY c.market_cap_rank", None, False),
    ("j", "right_outer_join_left_condition",
     f"SELECT c.symbol, t.n FROM (SELECT pulocationid AS r, COUNT(*) AS n FROM {T} GROUP BY 1) t\n"
     f"RIGHT OUTER JOIN {C} c ON t.r = c.market_cap_rank AND t.n > 3 WHERE c.market_cap_rank <= 12 ORDER BY c.market_cap_rank", None, False),
    ("j", "right_join_using",
     f"WITH a AS (SELECT pulocationid AS loc, COUNT(*) AS pickups FROM {T} WHERE vendorid = 1 GROUP BY 1),\n"
     f"b AS (SELECT dolocationid AS loc, COUNT(*) AS dropoffs FROM {T} WHERE vendorid = 2 GROUP BY 1)\n"
     "SELECT loc, pickups, dropoffs FROM a RIGHT JOIN b USING (loc) ORDER BY loc",
     "WITH a AS (SELECT pulocationid AS loc, COUNT(*) AS pickups FROM staging_taxi_trips WHERE vendorid = 1 GROUP BY 1), "
     "b AS (SELECT dolocationid AS loc, COUNT(*) AS dropoffs FROM staging_taxi_trips WHERE vendorid = 2 GROUP BY 1) "
     "SELECT b.loc, pickups, dropoffs FROM a RIGHT JOIN b ON a.loc = b.loc ORDER BY b.loc", False),
    ("j", "full_join_counts",
     f"WITH a AS (SELECT pulocationid AS loc, COUNT(*) AS pickups FROM {T} GROUP BY 1),\n"
     f"b AS (SELECT dolocationid AS loc, COUNT(*) AS dropoffs FROM {T} GROUP BY 1)\n"
     "SELECT COUNT(*), COUNT(a.loc), COUNT(b.loc), SUM(pickups), SUM(dropoffs) FROM a FULL OUTER JOIN b ON a.loc = b.loc", None, False),
    ("j", "full_join_using_coalesces",
     f"WITH a AS (SELECT pulocationid AS loc, COUNT(*) AS pickups FROM {T} WHERE vendorid = 1 GROUP BY 1),\n"
     f"b AS (SELECT dolocationid AS loc, COUNT(*) AS dropoffs FROM {T} WHERE vendorid = 2 GROUP BY 1)\n"
     "SELECT * FROM a FULL JOIN b USING (loc) ORDER BY loc",
     "WITH a AS (SELECT pulocationid AS loc, COUNT(*) AS pickups FROM staging_taxi_trips WHERE vendorid = 1 GROUP BY 1), "
     "b AS (SELECT dolocationid AS loc, COUNT(*) AS dropoffs FROM staging_taxi_trips WHERE vendorid = 2 GROUP BY 1) "
     "SELECT COALESCE(a.loc, b.loc) AS loc, pickups, dropoffs FROM a FULL JOIN b ON a.loc = b.loc ORDER BY 1", False),
    ("j", "full_join_null_keys",
     f"SELECT a.symbol, b.symbol FROM (SELECT symbol, max_supply FROM {C} WHERE market_cap_rank <= 4) a\n"
     f"FULL JOIN (SELECT symbol, max_supply FROM {C} WHERE market_cap_rank BETWEEN 3 AND 6) b ON a.max_supply = b.max_supply\n"
     "ORDER BY a.symbol, b.symbol", None, False),
    ("w", "string_and_numeric_keys",
     f"SELECT symbol, ROW_NUMBER() OVER (ORDER BY name DESC, id) AS a,\n"
     "RANK() OVER (PARTITION BY LENGTH(symbol) ORDER BY IF(market_cap_rank < 10, NULL, symbol) DESC) AS b,\n"
     "DENSE_RANK() OVER (ORDER BY IF(market_cap_rank < 10, NULL, symbol)) AS c,\n"
     "ROW_NUMBER() OVER (ORDER BY CAST(current_price AS NUMERIC) DESC) AS d\n"
     f"FROM {C} WHERE market_cap_rank <= 30 ORDER BY a",
     "SELECT symbol, ROW_NUMBER() OVER (ORDER BY name DESC, id) AS a, "
     "RANK() OVER (PARTITION BY LENGTH(symbol) ORDER BY CASE WHEN market_cap_rank < 10 THEN NULL ELSE symbol END DESC NULLS LAST) AS b, "
     "DENSE_RANK() OVER (ORDER BY CASE WHEN market_cap_rank < 10 THEN NULL ELSE symbol END) AS c, "
     "ROW_NUMBER() OVER (ORDER BY current_price DESC) AS d FROM coins WHERE market_cap_rank <= 30 ORDER BY a", False),
    # --- subqueries in expressions ---
    ("s", "in_subquery",
     f"SELECT symbol FROM {C} WHERE market_cap_rank IN (SELECT market_cap_rank FROM {C} WHERE symbol LIKE 's%') ORDER BY 1", None, False),
    ("s", "not_in_subquery_nulls",
     f"SELECT (SELECT COUNT(*) FROM {C} WHERE max_supply NOT IN (SELECT max_supply FROM {C} WHERE market_cap_rank <= 5)),\n"
     f"(SELECT COUNT(*) FROM {C} WHERE max_supply NOT IN (SELECT max_supply FROM {C} WHERE market_cap_rank <= 5 AND max_supply IS NOT NULL)),\n"
     f"(SELECT COUNT(*) FROM {C} WHERE max_supply IN (SELECT max_supply FROM {C} WHERE market_cap_rank <= 5))", None, False),
    ("s", "in_subquery_widens",
     f"SELECT COUNT(*), COUNT(DISTINCT trip_distance) FROM {T} WHERE trip_distance IN (SELECT passenger_count FROM {T})", None, False),
    ("s", "in_subquery_from_cte",
     f"WITH top AS (SELECT pulocationid FROM {T} GROUP BY 1 ORDER BY COUNT(*) DESC, 1 LIMIT 3)\n"
     f"SELECT pulocationid, COUNT(*) FROM {T} WHERE pulocationid IN (SELECT pulocationid FROM top) GROUP BY 1 ORDER BY 1", None, False),
    ("s", "in_empty_subquery",
     f"SELECT 1 IN (SELECT 1 FROM {C} WHERE FALSE), NULL IN (SELECT 1 FROM {C} WHERE FALSE), 1 NOT IN (SELECT 1 FROM {C} WHERE FALSE),\n"
     f"NULL IN (SELECT 1 FROM {C}), 2 NOT IN (SELECT NULL FROM {C})",
     "SELECT 0, 0, 1, NULL, NULL", False),
    ("s", "exists",
     f"SELECT EXISTS (SELECT 1 FROM {C} WHERE current_price > 50000), EXISTS (SELECT * FROM {C} WHERE current_price > 1e9),\n"
     f"NOT EXISTS (SELECT vendorid FROM {T} WHERE vendorid = 3)", None, False),
    ("s", "exists_in_where",
     f"SELECT COUNT(*) FROM {T} WHERE EXISTS (SELECT 1 FROM {C} WHERE symbol = 'btc') AND vendorid = 1", None, False),
    ("s", "scalar_in_where",
     f"SELECT symbol, current_price FROM {C} WHERE current_price > (SELECT AVG(current_price) FROM {C}) * 10 ORDER BY current_price DESC", None, False),
    ("s", "scalar_values",
     f"SELECT (SELECT market_cap FROM {C} WHERE symbol = 'nope') IS NULL, (SELECT COUNT(*) FROM {T}) + 1,\n"
     f"ROUND((SELECT SUM(total_amount) FROM {T}) / (SELECT COUNT(*) FROM {T}), 6), (SELECT name FROM {C} WHERE market_cap_rank = 1)",
     "SELECT (SELECT market_cap FROM coins WHERE symbol = 'nope') IS NULL, (SELECT COUNT(*) FROM staging_taxi_trips) + 1, "
     "ROUND((SELECT SUM(total_amount) FROM staging_taxi_trips) / (SELECT COUNT(*) FROM staging_taxi_trips), 6), (SELECT name FROM coins WHERE market_cap_rank = 1)", False),
    ("s", "scalar_in_having",
     f"SELECT vendorid, COUNT(*) FROM {T} GROUP BY 1 HAVING COUNT(*) > (SELECT COUNT(*) FROM {T}) / 2",
     "SELECT vendorid, COUNT(*) FROM staging_taxi_trips GROUP BY 1 HAVING COUNT(*) > (SELECT COUNT(*) FROM staging_taxi_trips) / 2.0", False),
    ("s", "nested_subqueries",
     f"SELECT symbol FROM {C} WHERE market_cap_rank = (SELECT MIN(market_cap_rank) FROM {C} WHERE symbol IN\n"
     f"(SELECT symbol FROM {C} WHERE current_price < 1 AND symbol NOT IN (SELECT symbol FROM {C} WHERE market_cap_rank <= 3)))", None, False),
    ("s", "scalar_over_cte",
     f"WITH v AS (SELECT vendorid, COUNT(*) AS n FROM {T} GROUP BY 1) SELECT vendorid FROM v WHERE n = (SELECT MAX(n) FROM v)", None, False),
    ("s", "subquery_with_window",
     f"SELECT symbol FROM {C} WHERE id IN (SELECT id FROM {C} QUALIFY ROW_NUMBER() OVER (ORDER BY total_volume DESC) <= 3) ORDER BY 1",
     "SELECT symbol FROM coins WHERE id IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY total_volume DESC) AS rn FROM coins) WHERE rn <= 3) ORDER BY 1", False),
    # --- INTERSECT and EXCEPT ---
    ("x", "intersect",
     f"SELECT vendorid FROM {T} INTERSECT DISTINCT SELECT payment_type FROM {T} ORDER BY 1", SET, False),
    ("x", "except",
     f"SELECT pulocationid FROM {T} EXCEPT DISTINCT SELECT dolocationid FROM {T} ORDER BY 1", SET, False),
    ("x", "intersect_three_arms_two_columns",
     f"SELECT vendorid, payment_type FROM {T} WHERE passenger_count = 1\nINTERSECT DISTINCT SELECT vendorid, payment_type FROM {T} WHERE passenger_count = 2\n"
     f"INTERSECT DISTINCT SELECT vendorid, payment_type FROM {O} WHERE tpep_dropoff_datetime >= '2023-01-01' ORDER BY 1, 2", SET, False),
    ("x", "except_nulls_are_equal",
     f"SELECT max_supply FROM {C} WHERE market_cap_rank <= 10\nEXCEPT DISTINCT SELECT max_supply FROM {C} WHERE market_cap_rank BETWEEN 5 AND 20 ORDER BY 1", SET, False),
    ("x", "intersect_widens_types",
     f"SELECT market_cap_rank FROM {C} INTERSECT DISTINCT SELECT trip_distance FROM {T} ORDER BY 1 DESC LIMIT 5", SET, False),
    ("x", "except_in_subquery",
     f"SELECT COUNT(*) FROM (SELECT id FROM {C} EXCEPT DISTINCT SELECT id FROM {C} WHERE market_cap_rank > 3)", SET, False),
    ("x", "except_three_arms_unordered",
     f"SELECT ratecodeid FROM {T} EXCEPT DISTINCT SELECT 1 EXCEPT DISTINCT SELECT 99", SET, True),
]


def main():
    db = sqlite3.connect(":memory:")
    load(db)
    files = []
    seq = {}
    for prefix, name, q, sq, unordered in CASES:
        if sq is SET:
            # SQLite's INTERSECT and EXCEPT are BigQuery's DISTINCT ones
            sq = for_sqlite(q).replace("INTERSECT DISTINCT", "INTERSECT").replace("EXCEPT DISTINCT", "EXCEPT")
        seq[prefix] = seq.get(prefix, 0) + 1
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
        files.append(("%s%03d_%s.sql" % (prefix, seq[prefix], name), "\n".join(lines) + "\n"))
    write_generated("make_corpus_more.py", "[%s][0-9][0-9][0-9]_*.sql" % "".join(sorted(seq)), files)


main()
