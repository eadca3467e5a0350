#!/usr/bin/env python3
"""Inputs made from the real samples (PROVENANCE.md in pipelines/data).

  gen.py trips N OUT      the 1,500 taxi rows of the three years, again and
                          again to N rows, one JSON object a line, each copy
                          a day later than the one before
  gen.py coins HOUR OUT   CoinGecko's 250 coins as the feed would have them
                          HOUR hours later: prices moved, last_updated later,
                          the last coins dropped out and the first of them
                          repeated (the feed's own duplicates)
"""
import datetime, json, sys

def taxi():
    rows = []
    for f in ("yellow-2019-2upf-qytp-500.json", "yellow-2021-m6nq-qud6-500.json",
              "yellow-2023-4b4i-vvec-500.json"):
        rows += json.load(open("pipelines/data/taxi/" + f))
    return rows

def later(ts, days):
    t = datetime.datetime.fromisoformat(ts) + datetime.timedelta(days=days)
    return t.isoformat(timespec="milliseconds")

what, arg, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(out, "w") as f:
    if what == "trips":
        rows = taxi()
        for i in range(arg):
            r = dict(rows[i % len(rows)])
            copy = i // len(rows)
            for k in ("tpep_pickup_datetime", "tpep_dropoff_datetime"):
                r[k] = later(r[k], copy)
            f.write(json.dumps(r) + "\n")
    else:
        coins = json.load(open("pipelines/data/crypto/coins-markets-usd-2025-02-250.json"))
        if arg:
            coins = coins[:240] + coins[:5]
            moved = []
            for c in coins:
                c = dict(c)
                if isinstance(c.get("current_price"), (int, float)):
                    c["current_price"] = round(c["current_price"] * (1 + 0.01 * arg), 8)
                t = datetime.datetime.fromisoformat(c["last_updated"].replace("Z", "+00:00"))
                c["last_updated"] = (t + datetime.timedelta(hours=arg)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
                moved.append(c)
            coins = moved
        json.dump(coins, f)
