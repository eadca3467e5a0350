#!/usr/bin/env python3
"""`make demo SCALE=N`'s trips: N rows made from the 1,500 real ones.

Usage: scale.py N DIR

Writes DIR/yellow-2019.json, DIR/yellow-2021.json and DIR/yellow-2023.json,
each one page of Socrata's JSON (every value a string, as the API sends
it) holding a third of the N trips, made from that year's 500 real rows in
pipelines/data/taxi: the real rows over and over, trip j of a year moved
(j mod 182) days and (j div 182) minutes later, pickup and dropoff alike
(as bench/query moves its copies).  So the dropoffs spread over half of
each year, a partition per day, and the seed's two weeks of January 2019
are a small part of the table, as in the real data.  A file already there
with the asked rows (DIR/rows says how many) is kept.
"""
import datetime, json, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCES = [("yellow-2019.json", "yellow-2019-2upf-qytp-500.json"),
           ("yellow-2021.json", "yellow-2021-m6nq-qud6-500.json"),
           ("yellow-2023.json", "yellow-2023-4b4i-vvec-500.json")]
TIMES = ("tpep_pickup_datetime", "tpep_dropoff_datetime")
DAYS = 182


def write_year(src, dst, n):
    rows = json.load(open(src))
    # each real row once as JSON, its two times left as slots to fill
    templates, times = [], []
    for r in rows:
        r = dict(r)
        t = {}
        for c in TIMES:
            if r.get(c):
                t[c] = datetime.datetime.fromisoformat(r[c])
                r[c] = "@%s@" % c
        text = json.dumps(r, separators=(",", ":")).replace("%", "%%")
        for c in t:
            text = text.replace('"@%s@"' % c, '"%%(%s)s"' % c)
        templates.append(text)
        times.append(t)
    tmp = dst + ".tmp"
    with open(tmp, "w") as f:
        f.write("[")
        for j in range(n):
            k = j % len(rows)
            shift = datetime.timedelta(days=j % DAYS, minutes=j // DAYS)
            moved = {c: (t + shift).isoformat(timespec="milliseconds") for c, t in times[k].items()}
            f.write(("\n," if j else "\n") + templates[k] % moved)
        f.write("\n]\n")
    os.rename(tmp, dst)


def main():
    if len(sys.argv) != 3 or not sys.argv[1].isdigit() or int(sys.argv[1]) < len(SOURCES):
        sys.exit("usage: scale.py N DIR (N >= %d trips)" % len(SOURCES))
    n, out = int(sys.argv[1]), sys.argv[2]
    os.makedirs(out, exist_ok=True)
    marker = os.path.join(out, "rows")
    if os.path.exists(marker) and open(marker).read().strip() == str(n) and \
            all(os.path.exists(os.path.join(out, d)) for d, _ in SOURCES):
        return
    if os.path.exists(marker):
        os.remove(marker)
    for i, (dst, src) in enumerate(SOURCES):
        rows = n // len(SOURCES) + (1 if i < n % len(SOURCES) else 0)
        write_year(os.path.join(HERE, "data", "taxi", src), os.path.join(out, dst), rows)
    with open(marker + ".tmp", "w") as f:
        f.write("%d\n" % n)
    os.rename(marker + ".tmp", marker)


if __name__ == "__main__":
    main()
