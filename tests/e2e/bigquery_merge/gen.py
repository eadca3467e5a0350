#!/usr/bin/env python3
"""Feeds made from CoinGecko's 250 real coins (pipelines/data, PROVENANCE.md).

  gen.py 0 OUT   the coins as the sample has them
  gen.py 1 OUT   a later feed that tries every rule of a merge with dedup_sort:
                 coins 0-19 an hour later (price up 1%); coins 20-29 an hour
                 earlier than the table's (price halved); coins 30-34 twice,
                 one and two hours later (price up 2%, then 3%); coins 35-37
                 twice at the same time (price up 4%, then 5%: the later in
                 the feed is the newer); coins 38-40 with no last_updated;
                 five new coins; the other coins are not in it
The later feed's first 20 coins carry a key the first feed lacks, "note":
a new column, added to BigQuery's table before the merge.
Each feed also has two rows whose id is null (copies of coins 0-1, then of
coins 2-3 an hour later): a NULL key is one key, as any other value.
"""
import datetime, json, sys

def moved(c, hours, factor):
    c = dict(c)
    if hours is None:
        c["last_updated"] = None
    else:
        t = datetime.datetime.fromisoformat(c["last_updated"].replace("Z", "+00:00"))
        c["last_updated"] = (t + datetime.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    c["current_price"] = round(c["current_price"] * factor, 6)
    return c

coins = json.load(open("pipelines/data/crypto/coins-markets-usd-2025-02-250.json"))
feed = coins
if sys.argv[1] == "1":
    feed = [dict(moved(c, 1, 1.01), note="up 1%") for c in coins[0:20]]
    feed += [moved(c, -1, 0.5) for c in coins[20:30]]
    feed += [moved(c, 1, 1.02) for c in coins[30:35]] + [moved(c, 2, 1.03) for c in coins[30:35]]
    feed += [moved(c, 1, 1.04) for c in coins[35:38]] + [moved(c, 1, 1.05) for c in coins[35:38]]
    feed += [moved(c, None, 7) for c in coins[38:41]]
    feed += [dict(moved(c, 3, 1), id="new-" + c["id"]) for c in coins[245:250]]
feed += [dict(moved(c, int(sys.argv[1]), 1), id=None) for c in coins[2 * int(sys.argv[1]):][:2]]
json.dump(feed, open(sys.argv[2], "w"), indent=1)
