"""What the e2e cases that check a report's bytes share: reading the
figures of each field query from `pipe show REPORT`, BigQuery's billing of
one table per query (docs/bytes.md), and comparing the record with the
figures a case works out from its raw rows."""
import re

MB = 1048576


def billed(processed):
    """BigQuery bills at least 10 MB per table a query reads, in whole MB;
    a query that reads nothing is not billed."""
    return 0 if processed == 0 else max(10 * MB, -(-processed // MB) * MB)


def field_queries(record):
    """{query name: {figure: value}} from the record's `field queries` lines."""
    got = {}
    for line in re.findall(r"^(?:field queries |  )(\w+ rows=.*)$", record, re.M):
        name, rest = line.split(" ", 1)
        got[name] = dict(kv.split("=") for kv in rest.split())
    return got


def compare(expect, got, texts=("partitions",)):
    """The differences between the expected figures and the record's, as
    lines: the byte figures as numbers, the names in texts as they are."""
    bad = []
    for name, e in expect.items():
        g = got.get(name)
        if not g:
            bad.append("%s: not in the record" % name)
            continue
        for k in ("processed", "estimate", "billed"):
            if int(g[k]) != e[k]:
                bad.append("%s: %s %s, expected %d" % (name, k, g[k], e[k]))
        for k in texts:
            if g[k] != e[k]:
                bad.append("%s: %s %s, expected %s" % (name, k, g[k], e[k]))
    return bad
