#!/usr/bin/env python3
"""Writes markets.json: CoinGecko's page as it might read N hours after the
real one (pipelines/data/crypto/coins-markets-usd-2025-02-250.json).

Every coin's last_updated moves N hours on and its price changes; hour 1
lacks the last 10 coins and hour 2 the first 10 (coins drop in and out of a
page as market caps move), so the table must gather 250 coins, one row
each, with the newest data of each.

  hour.py N
"""
import datetime, json, os, sys

n = int(sys.argv[1])
src = os.path.join(os.environ["PIPE_ROOT"], "pipelines/data/crypto/coins-markets-usd-2025-02-250.json")
coins = json.load(open(src))
for c in coins:
    t = datetime.datetime.strptime(c["last_updated"], "%Y-%m-%dT%H:%M:%S.%fZ") + datetime.timedelta(hours=n)
    c["last_updated"] = t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)
    if c["current_price"] is not None:
        # six decimals, but never rounded to 0 (apenft is $0.00000045)
        p = c["current_price"] * (1 + 0.01 * n)
        c["current_price"] = round(p, 6) or float("%.6g" % p)
if n == 1:
    coins = coins[:-10]
elif n == 2:
    coins = coins[10:]
json.dump(coins, open("markets.json", "w"))
print("hour %d: %d coins, bitcoin at %s" % (n, len(coins), next((c["current_price"] for c in coins if c["id"] == "bitcoin"), None)))
