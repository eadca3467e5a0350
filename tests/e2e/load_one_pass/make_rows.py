"""Inputs for load_one_pass: 100,000 rows each, several megabytes of tape,
so that the schema is decided from the first chunk and later rows change
it.  `python3 make_rows.py bad` writes typed.json with a value its hint
cannot take at row 90,001."""
import json, os, sys

N = 100000


def write(name, rows):
    os.makedirs("data", exist_ok=True)
    with open(os.path.join("data", name), "w") as f:
        f.write("[" + ",\n".join(json.dumps(r) for r in rows) + "]\n")


def typed(bad):
    rows = [{"id": i, "x": str(i % 97), "t": "2024-01-%02dT10:00:00" % (1 + i % 28)} for i in range(N)]
    if bad:
        rows[90000]["x"] = "abc"
    write("typed.json", rows)


if sys.argv[1:] == ["bad"]:
    typed(True)
    sys.exit(0)
typed(False)
write("same.json", [{"id": i, "x": i % 97, "s": "name %d" % (i % 13)} for i in range(N)])
rows = [{"id": i, "x": i % 97, "s": "name %d" % (i % 13)} for i in range(N)]
rows[90000]["x"] = 1.5  # INT64 until here
write("widen.json", rows)
rows = [{"id": i, "x": i % 97, "late": None} for i in range(N)]
rows[90000]["late"] = "now"  # NULL until here: no column
write("late.json", rows)
rows = [{"id": i, "x": i % 97} for i in range(N)]
rows[90000]["items"] = [{"a": 1}, {"a": 2}]  # the first child rows
write("child.json", rows)
