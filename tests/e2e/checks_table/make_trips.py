#!/usr/bin/env python3
"""Writes trips.json: the real 2019 taxi samples ($PIPE_ROOT/pipelines/data/taxi,
500 trips) repeated N times, 2,048 rows a block in the table, and what a
bad extract would do to them:

  make_trips.py N [rows=K] [null_vendor] [vendor_7] [duplicate] [negative_fare]

rows=K keeps the first K trips.
"""
import json, os, sys

DATA = os.path.join(os.environ["PIPE_ROOT"], "pipelines/data/taxi")
rows = json.load(open(os.path.join(DATA, "yellow-2019-2upf-qytp-500.json")))
n = int(sys.argv[1])
trips = []
for copy in range(n):
    for i, r in enumerate(rows):
        r = dict(r)
        r["trip_id"] = copy * len(rows) + i + 1
        trips.append(r)
bad = sys.argv[2:]
for a in bad:
    if a.startswith("rows="):
        del trips[int(a[5:]):]
if "null_vendor" in bad:
    for i in (10, 2500, 4999):
        trips[i].pop("vendorid", None)
if "vendor_7" in bad:
    trips[3000]["vendorid"] = "7"
if "duplicate" in bad:  # the same trip twice
    trips[4000] = dict(trips[17])
if "negative_fare" in bad:
    trips[123]["fare_amount"] = "-52.5"
json.dump(trips, open("trips.json", "w"))
print("%d trips" % len(trips))
