#!/usr/bin/env python3
"""gen.py OUT [EXTRA_JSON]: the 500 real 2019 taxi rows (pipelines/data,
PROVENANCE.md), one JSON object a line, then EXTRA_JSON's row when given."""
import json, sys
rows = json.load(open("pipelines/data/taxi/yellow-2019-2upf-qytp-500.json"))
if len(sys.argv) > 2:
    rows.append(dict(rows[0], **json.loads(sys.argv[2])))
with open(sys.argv[1], "w") as f:
    for r in rows:
        f.write(json.dumps(r) + "\n")
