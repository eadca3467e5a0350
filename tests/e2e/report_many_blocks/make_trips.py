#!/usr/bin/env python3
"""Writes trips.json: the real taxi samples ($PIPE_ROOT/pipelines/data/taxi,
500 trips a year) each repeated N times, year after year, as a snapshot of
a larger extract would hold them.  N = 4 gives 6,000 trips: 3 blocks of the
staging table (2,048 rows a block) and 20 blocks of 100 rows for the day
of 2019-01-01 in the optimized table.

  make_trips.py N
"""
import json, os, sys

DATA = os.path.join(os.environ["PIPE_ROOT"], "pipelines/data/taxi")
FILES = ["yellow-2019-2upf-qytp-500.json", "yellow-2021-m6nq-qud6-500.json", "yellow-2023-4b4i-vvec-500.json"]
n = int(sys.argv[1])
trips = []
for f in FILES:
    rows = json.load(open(os.path.join(DATA, f)))
    trips.extend(rows * n)
json.dump(trips, open("trips.json", "w"))
print("%d trips" % len(trips))
