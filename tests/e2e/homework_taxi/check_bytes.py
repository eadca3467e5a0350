#!/usr/bin/env python3
"""Works out, from the raw taxi samples alone, what taxi_report must say:
BigQuery's bytes processed and billed (docs/bytes.md: INT64, DATE and
TIMESTAMP count 8 bytes a value, NULL 0; only the referenced columns of the
partitions read; at least 10 MB billed per table), the partitions read, the
saving and the answer, then compares them with the report's record
(`pipe show taxi_report`, field queries) and its Markdown.

  pipe show taxi_report | check_bytes.py targets/taxi_report/report.md
"""
import datetime, json, os, re, sys

sys.path.insert(0, os.path.join(os.environ["PIPE_ROOT"], "tests", "lib"))
from report_record import billed, compare, field_queries

DATA = os.path.join(os.environ["PIPE_ROOT"], "pipelines/data/taxi")
FILES = ["yellow-2019-2upf-qytp-500.json", "yellow-2021-m6nq-qud6-500.json", "yellow-2023-4b4i-vvec-500.json"]
LO, HI = datetime.datetime(2019, 1, 1), datetime.datetime(2019, 1, 15)  # BETWEEN '2019-01-01' AND '2019-01-15'

trips = []
for f in FILES:
    for r in json.load(open(os.path.join(DATA, f))):
        ts = r.get("tpep_dropoff_datetime")
        trips.append((r.get("vendorid"), datetime.datetime.fromisoformat(ts) if ts else None))

def size(v):  # INT64, TIMESTAMP, DATE: 8 bytes; NULL: 0
    return 0 if v is None else 8

days = {}
for vendor, ts in trips:
    days.setdefault(ts.date() if ts else None, []).append((vendor, ts))
window_days = [d for d in days if d is not None and LO.date() <= d <= HI.date()]

expect = {}
# staging: no partitions; VendorID and tpep_dropoff_datetime of every trip
b = sum(size(v) + size(t) for v, t in trips)
expect["staging"] = dict(processed=b, estimate=b, partitions="1/1")
# optimized: the same columns, only in the day partitions inside the window
b = sum(size(v) + size(t) for d in window_days for v, t in days[d])
expect["optimized"] = dict(processed=b, estimate=b, partitions="%d/%d" % (len(window_days), len(days)))
# pre_aggregated: one (dropoff_date, VendorID) row per day and vendor, days in the window
pairs = {(d, v) for d in window_days for v, t in days[d]}
b = sum(8 + size(v) for d, v in pairs)
expect["pre_aggregated"] = dict(processed=b, estimate=b, partitions="%d/%d" % (len(window_days), len(days)))
# trips_per_day: tpep_dropoff_datetime of every trip, every partition
b = sum(size(t) for v, t in trips)
expect["trips_per_day"] = dict(processed=b, estimate=b, partitions="%d/%d" % (len(days), len(days)))
for e in expect.values():
    e["billed"] = billed(e["processed"])
answer = sorted({int(v) for v, t in trips if t is not None and LO <= t <= HI})

bad = compare(expect, field_queries(sys.stdin.read()))
md = open(sys.argv[1]).read()
saving = "%.1f%% less than staging" % (100.0 * (expect["staging"]["processed"] - expect["optimized"]["processed"])
                                       / expect["staging"]["processed"])
if saving not in md:
    bad.append("report.md does not say %r" % saving)
rows = re.search(r"## optimized\n.*?\| vendorid \|\n\| ---: \|\n((?:\| [^\n]* \|\n)+)", md, re.S | re.I)
if not rows or [int(x) for x in re.findall(r"\| (\d+) \|", rows.group(1))] != answer:
    bad.append("report.md: the optimized query's VendorIDs are not %s" % answer)
for name, e in expect.items():
    print("%-15s %7d bytes processed, %d billed, %s partitions" % (name, e["processed"], e["billed"], e["partitions"]))
print("optimized: %s; vendors in the window: %s" % (saving, answer))
print("\n".join(bad) if bad else "the report agrees")
sys.exit(1 if bad else 0)
