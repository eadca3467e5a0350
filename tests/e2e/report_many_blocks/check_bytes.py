#!/usr/bin/env python3
"""Works out, from trips.json alone, what trips_report must say by
BigQuery's rules (docs/bytes.md): the referenced columns (VendorID and
tpep_dropoff_datetime, 8 bytes a value) of the partitions read, less, for
the actual figure, the blocks a filter on the clustering column prunes;
never the blocks a filter on another column could skip.  The tables'
blocks are modelled here as the writer cuts them (docs/table-format.md):
the staging table in load order, 2,048 rows a block; the optimized table
per dropoff day, sorted by VendorID (equal keys in load order), 100 rows a
block.  Compares with the record (`pipe show trips_report`) and the saving
in the Markdown.

  pipe show trips_report | check_bytes.py targets/trips_report/report.md
"""
import datetime, json, os, re, sys

sys.path.insert(0, os.path.join(os.environ["PIPE_ROOT"], "tests", "lib"))
from report_record import billed, compare, field_queries

LO, HI = datetime.datetime(2019, 1, 1), datetime.datetime(2019, 1, 15)  # BETWEEN '2019-01-01' AND '2019-01-15'

trips = [(int(r["vendorid"]), datetime.datetime.fromisoformat(r["tpep_dropoff_datetime"]))
         for r in json.load(open("trips.json"))]
ROW = 8 + 8  # VendorID and tpep_dropoff_datetime, never NULL here


def chunks(rows, size):
    return [rows[i:i + size] for i in range(0, len(rows), size)]


days = {}
for v, t in trips:
    days.setdefault(t.date(), []).append((v, t))
blocks = {d: chunks(sorted(rows, key=lambda r: r[0]), 100) for d, rows in days.items()}
total_blocks = sum(len(b) for b in blocks.values())
window = [d for d in days if LO.date() <= d <= HI.date()]

expect = {}
n = len(chunks(trips, 2048))
expect["staging"] = dict(processed=len(trips) * ROW, estimate=len(trips) * ROW, partitions="1/1",
                         blocks="%d/%d" % (n, n))
rows = sum(len(days[d]) for d in window)
expect["optimized"] = dict(processed=rows * ROW, estimate=rows * ROW, partitions="%d/%d" % (len(window), len(days)),
                           blocks="%d/%d" % (sum(len(blocks[d]) for d in window), total_blocks))
# VendorID = 2 prunes the blocks whose VendorID range leaves 2 out
kept = [b for d in window for b in blocks[d] if min(r[0] for r in b) <= 2 <= max(r[0] for r in b)]
expect["vendor_2"] = dict(processed=sum(len(b) for b in kept) * ROW, estimate=rows * ROW,
                          partitions=expect["optimized"]["partitions"], blocks="%d/%d" % (len(kept), total_blocks))
for e in expect.values():
    e["billed"] = billed(e["processed"])

bad = compare(expect, field_queries(sys.stdin.read()), ("partitions", "blocks"))
md = open(sys.argv[1]).read()
base = expect["staging"]["processed"]
for name in ("optimized", "vendor_2"):
    saving = "%.1f%% less than staging" % (100.0 * (base - expect[name]["processed"]) / base)
    if not re.search(r"^\| %s \|.*\| %s \|$" % (name, re.escape(saving)), md, re.M):
        bad.append("report.md does not say %s is %r" % (name, saving))
    print("%-10s %6d bytes processed (estimate %d), %s partitions, %s blocks: %s" % (
        name, expect[name]["processed"], expect[name]["estimate"], expect[name]["partitions"],
        expect[name]["blocks"], saving))
print("staging    %6d bytes processed, %s blocks" % (base, expect["staging"]["blocks"]))
print("\n".join(bad) if bad else "the report agrees")
sys.exit(1 if bad else 0)
