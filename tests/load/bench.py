#!/usr/bin/env python3
"""Loading a taxi snapshot: pipe against python3 (json + sqlite3) and sqlite3's
json_each, on the same file.

The input is the three real Socrata samples in pipelines/data/taxi (1,500
rows, as the API sent them, re-indented by their author) repeated until the
page is at least --mb megabytes, in a snapshot-shaped directory whose
manifest carries the X-SODA2-Types Socrata sends for these datasets.  Each
tool runs once, in a child process; the figures are wall time and the
child's peak RSS.

  tests/load/bench.py [--pipe build/pipe] [--mb 200] [--keep DIR]
"""
import argparse, json, os, resource, shutil, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLES = ["yellow-2019-2upf-qytp-500.json", "yellow-2021-m6nq-qud6-500.json",
           "yellow-2023-4b4i-vvec-500.json"]
FIELDS = ["vendorid", "tpep_pickup_datetime", "tpep_dropoff_datetime", "passenger_count",
          "trip_distance", "ratecodeid", "store_and_fwd_flag", "pulocationid", "dolocationid",
          "payment_type", "fare_amount", "extra", "mta_tax", "tip_amount", "tolls_amount",
          "improvement_surcharge", "total_amount", "congestion_surcharge", "airport_fee"]
TYPES = ["number", "floating_timestamp", "floating_timestamp", "number", "number", "number",
         "text", "number", "number", "number", "number", "number", "number", "number", "number",
         "number", "number", "number", "number"]

PY_LOAD = r"""
import json, sqlite3, sys
rows = json.load(open(sys.argv[1]))
cols = sorted({k for r in rows for k in r})
db = sqlite3.connect(sys.argv[2])
db.execute("create table t (%s)" % ", ".join(cols))
db.executemany("insert into t values (%s)" % ",".join("?" * len(cols)),
               ([r.get(c) for c in cols] for r in rows))
db.commit()
"""


def make_input(d, mb):
    rows = []
    for f in SAMPLES:
        rows += json.load(open(os.path.join(ROOT, "pipelines/data/taxi", f)))
    os.makedirs(d)
    page = os.path.join(d, "page-0001.json")
    n = size = 0
    with open(page, "w") as out:
        out.write("[\n")
        while size < mb << 20:
            for r in rows:
                s = json.dumps(r, indent=2)
                out.write((",\n" if n else "") + s)
                size += len(s) + 2
                n += 1
        out.write("\n]\n")
    json.dump({"url": "bench", "pages": 1, "rows": n, "soda2_fields": FIELDS,
               "soda2_types": TYPES}, open(os.path.join(d, "manifest.json"), "w"))
    return page, n


def run(argv, cwd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.time()
    p = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    secs = time.time() - t0
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if p.returncode:
        sys.exit("%s failed:\n%s%s" % (argv[0], p.stdout, p.stderr))
    # ru_maxrss of children is the largest so far: only trust a new maximum
    return secs, rss if rss > before else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pipe", default=os.path.join(ROOT, "build/pipe"))
    ap.add_argument("--mb", type=int, default=200)
    ap.add_argument("--keep")
    a = ap.parse_args()
    tmp = a.keep or tempfile.mkdtemp(prefix="pipe-bench-load-")
    proj = os.path.join(tmp, "p")
    if os.path.exists(proj):
        shutil.rmtree(proj)
    os.makedirs(os.path.join(proj, "pipelines"))
    page, n = make_input(os.path.join(proj, "raw"), a.mb)
    with open(os.path.join(proj, "pipelines/bench.pipe"), "w") as f:
        f.write("# the snapshot-shaped directory raw/ made by tests/load/bench.py\n"
                "table staging_taxi_trips: raw\n")
    mb = os.path.getsize(page) / 1e6
    print("input: %d rows, %.0f MB (%s)" % (n, mb, page))
    subprocess.run([a.pipe, "init"], cwd=proj, capture_output=True)
    results = [("pipe build (jsmn, 2 passes)",) + run([a.pipe, "build"], proj)]
    results.append(("python3 json + sqlite3",) +
                   run([sys.executable, "-c", PY_LOAD, page, os.path.join(tmp, "py.db")], tmp))
    cols = ", ".join("json_extract(value, '$.%s') AS %s" % (c, c) for c in FIELDS)
    results.append(("sqlite3 json_each",) +
                   run(["sqlite3", os.path.join(tmp, "je.db"),
                        "CREATE TABLE t AS SELECT %s FROM json_each(readfile('%s'))" % (cols, page)], tmp))
    print("%-30s %10s %12s %12s" % ("", "seconds", "rows/s", "peak RSS"))
    for name, secs, rss in results:
        print("%-30s %10.2f %12.0f %12s" % (name, secs, n / secs,
                                            "%d MB" % (rss // 1024) if rss else "(below)"))
    if not a.keep:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
