# hours.py [EDIT]: data/hours.json from data/coins.json, twenty hours of the
# 250 coins (5,000 rows), with one value changed as EDIT says.
import json, sys
coins = json.load(open("data/coins.json"))
rows = []
for h in range(20):
    for c in coins:
        r = dict(c)
        r["last_updated"] = "2025-02-09T%02d:44:04.143Z" % h
        rows.append(r)
edit = sys.argv[1] if len(sys.argv) > 1 else ""
if edit == "supply_text":      # a string among numbers, thrice
    for i in (10, 2000, 4999):
        rows[i]["total_supply"] = "unknown"
elif edit == "huge_int":       # an integer beyond INT64
    rows[7]["market_cap"] = 123456789012345678901234567890
text = json.dumps(rows)
if edit == "overflow":         # beyond FLOAT64
    text = text.replace('"ath": 108786,', '"ath": 1e400,', 1)
elif edit == "latin1":         # a name in Latin-1, not UTF-8
    text = text.replace('"name": "Bitcoin"', '"name": "Bitcoin caf\xe9"', 1)
elif edit == "rank_text":      # a value the types hint cannot convert
    text = text.replace('"market_cap_rank": 3,', '"market_cap_rank": "third",', 1)
open("data/hours.json", "wb").write(text.encode("latin-1" if edit == "latin1" else "utf-8"))
