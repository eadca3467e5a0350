#!/usr/bin/env python3
"""Checks crypto_prices (`pipe query --json` on stdin) after hours 0..N of
hour.py: one row per coin, and each coin's row from the newest hour that
listed it (its price and last_updated), computed here from the real page.

  pipe query --json "SELECT id, current_price, last_updated FROM crypto.crypto_prices" | check.py N
"""
import datetime, json, os, sys

n = int(sys.argv[1])
src = os.path.join(os.environ["PIPE_ROOT"], "pipelines/data/crypto/coins-markets-usd-2025-02-250.json")
real = json.load(open(src))
expected = {}
for hour in range(n + 1):
    coins = real[:-10] if hour == 1 else real[10:] if hour == 2 else real
    for c in coins:
        t = datetime.datetime.strptime(c["last_updated"], "%Y-%m-%dT%H:%M:%S.%fZ") + datetime.timedelta(hours=hour)
        p = None if c["current_price"] is None else c["current_price"] * (1 + 0.01 * hour)
        price = None if p is None else round(p, 6) or float("%.6g" % p)  # as hour.py rounds
        expected[c["id"]] = (hour, price, t)

got = json.load(sys.stdin)
names = [f["name"] for f in got["schema"]]
rows = [dict(zip(names, r)) for r in got["rows"]]
ids = [r["id"] for r in rows]
bad = []
if len(ids) != len(set(ids)):
    bad.append("duplicate ids: %d rows for %d coins" % (len(ids), len(set(ids))))
if set(ids) != set(expected):
    bad.append("coins differ: missing %s, extra %s" % (sorted(set(expected) - set(ids))[:5], sorted(set(ids) - set(expected))[:5]))
for r in rows:
    e = expected.get(r["id"])
    ts = datetime.datetime.fromisoformat(r["last_updated"].replace(" UTC", ""))
    if e and (r["current_price"] != e[1] or ts != e[2]):
        bad.append("%s: got %s at %s, expected hour %d's %s at %s" % (r["id"], r["current_price"], ts, e[0], e[1], e[2]))
hours = sorted(set(e[0] for e in expected.values()))
print("after hour %d: %d rows, %d coins, newest rows from hours %s" % (n, len(rows), len(set(ids)), hours))
print("\n".join(bad[:10]) if bad else "every coin once, with its newest hour's price and last_updated")
sys.exit(1 if bad else 0)
