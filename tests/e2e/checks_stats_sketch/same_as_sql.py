#!/usr/bin/env python3
"""same_as_sql.py TABLE: each distinct= of the table's recorded statistics
beside APPROX_COUNT_DISTINCT of the column on the table, as one query
computes it; prints the columns that differ, or that none does."""
import json, re, subprocess, sys

table = sys.argv[1]
show = subprocess.run(["pipe", "show", table], capture_output=True, text=True, check=True).stdout
recorded = dict(re.findall(r"^  (\w+) nulls=\d+ distinct=(\d+)", show, re.M))
sql = "SELECT " + ", ".join("APPROX_COUNT_DISTINCT(`%s`) AS `%s`" % (c, c) for c in recorded) + " FROM " + table
out = json.loads(subprocess.run(["pipe", "query", "--json", sql], capture_output=True, text=True, check=True).stdout)
by_sql = dict(zip((c["name"] for c in out["schema"]), (str(v) for v in out["rows"][0])))
differ = ["%s: recorded %s, APPROX_COUNT_DISTINCT %s" % (c, recorded[c], by_sql[c])
          for c in recorded if recorded[c] != by_sql[c]]
print("\n".join(differ) if differ else
      "%s: the %d columns' distinct= are APPROX_COUNT_DISTINCT's" % (table, len(recorded)))
