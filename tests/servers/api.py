#!/usr/bin/env python3
"""A scripted JSON API on 127.0.0.1 for the snapshot tests (standard library only).

The rows are real: pipelines/data/taxi/yellow-<year>-*.json (500 Socrata rows
each), cut here into pages (100 rows unless the request says otherwise), the
way the NYC open-data API pages them.

Routes (GET):
  /soda?$limit=&$offset=&$where=F > 'V'&ds=2019   offset paging, Socrata style:
        X-SODA2-Fields/Types as Socrata sends them for these datasets
        (JSON arrays: the field names, and types such as "number",
        "floating_timestamp", "text"), ETag and Last-Modified with 304 answers.
        --visible FILE holds how many rows exist (the dataset "grows",
        oldest pickup first).
  /pages?page=N&per_page=M       page numbers from 1; past the end: []
  /link?page=N                   a Link: <...>; rel="next" header, relative
  /cursor?cursor=C               {"data": [...], "meta": {"next_cursor": C|null}}
  /next?after=N                  {"results": [...], "next": "/next?after=M"|null}
  /fault/429?n=&after=&date=1    n times 429 + Retry-After (seconds or a date)
  /fault/500?n=                  n times 500
  /fault/slow?n=&delay=          n times a reply delayed by delay seconds
  /fault/drop?n=                 n times half the body, then the connection drops
  /fault/short?n=                the same without a Content-Length (clean close)
  /fault/invalid                 a body with a JSON syntax error
  /fault/404                     404 with a small JSON body
  /auth                          needs X-App-Token equal to $<--token-env>, else 403
                                 echoing the token it got
  /auth/fail                     the same, then always 503
  /redirect?to=PATH&host=H       302 to PATH, on host H (another origin) if given
  /gzip                          gzip-encoded, only when the client accepts it
  /ua                            400 unless the User-Agent is pipe/<version>
  /query                         [{"query": "<the raw query string>"}]
  /echo (any method)             {"method", "content_type", "body"}: the request back
  /upload/...                    BigQuery's upload endpoint: see upload.py
POST, PUT and DELETE reach the same routes (after the body is read).
  /repeat?total=&$offset=&$limit=   the 1,500 rows of the three samples repeated,
                                 in Socrata's layout (a compact row per line), for
                                 benchmarks
Counters for n= are per path and query string, so a test picks fresh ones
by adding a tag=... parameter.

  api.py --port-file FILE [--tls CERT KEY] [--log FILE] [--visible FILE]
         [--token-env NAME] [--fail FILE] [--lifetime SECONDS]
--fail FILE: while FILE exists, every request gets the status written in it.
"""
import argparse, gzip, hashlib, json, os, re, ssl, sys, threading, time
import http.server
from urllib.parse import urlsplit, parse_qs, urlencode
import upload  # BigQuery's upload endpoint, beside this file
import serving  # the HTTP server's start and lifetime, beside this file

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "pipelines", "data", "taxi")
LAST_MODIFIED = "Tue, 25 Nov 2025 01:00:00 GMT"

DATASETS = {}
for name in sorted(os.listdir(DATA)):
    m = re.match(r"yellow-(\d{4})-", name)
    if m and name.endswith(".json"):
        with open(os.path.join(DATA, name)) as f:
            DATASETS[m.group(1)] = json.load(f)

# The column types the NYC taxi datasets declare on Socrata (X-SODA2-Types):
# every value arrives as a JSON string, the header says what it is.
SODA_TYPES = {
    "vendorid": "number", "tpep_pickup_datetime": "floating_timestamp",
    "tpep_dropoff_datetime": "floating_timestamp", "passenger_count": "number",
    "trip_distance": "number", "ratecodeid": "number", "store_and_fwd_flag": "text",
    "pulocationid": "number", "dolocationid": "number", "payment_type": "number",
    "fare_amount": "number", "extra": "number", "mta_tax": "number", "tip_amount": "number",
    "tolls_amount": "number", "improvement_surcharge": "number", "total_amount": "number",
    "congestion_surcharge": "number", "airport_fee": "number",
}


# The three samples' rows in turn (their key sets differ: 17, 18, 19 keys).
ALL_ROWS = [r for y in sorted(DATASETS) for r in DATASETS[y]]


def socrata_body(rows):
    """Rows as Socrata's API writes them: one compact row per line."""
    return ("[" + "\n,".join(json.dumps(r, separators=(",", ":")) for r in rows) + "]\n").encode()


def soda_headers(rows):
    """X-SODA2-Fields and X-SODA2-Types as Socrata writes them: compact JSON arrays."""
    fields = list(rows[0].keys()) if rows else []
    compact = lambda v: json.dumps(v, separators=(",", ":"))
    return [("X-SODA2-Fields", compact(fields)),
            ("X-SODA2-Types", compact([SODA_TYPES.get(f, "text") for f in fields]))]


counts = {}
repeat_cache = {}
counts_lock = threading.Lock()


def hit(key):
    with counts_lock:
        counts[key] = counts.get(key, 0) + 1
        return counts[key]


def dumps(v):
    return (json.dumps(v, indent=1) + "\n").encode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "testapi/1"

    def log_message(self, fmt, *args):
        pass

    def send(self, code, body, ctype="application/json", headers=()):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def rows(self, q):
        rows = DATASETS[q.get("ds", ["2019"])[0]]
        if self.server.visible and os.path.exists(self.server.visible):
            # a growing table: its newest trips arrive last
            rows = sorted(rows, key=lambda r: r["tpep_pickup_datetime"])
            rows = rows[: int(open(self.server.visible).read().strip() or 0)]
        return rows

    def do_GET(self):
        u = urlsplit(self.path)
        q = parse_qs(u.query, keep_blank_values=True)
        arg = lambda k, d=None: q.get(k, [d])[0]
        key = self.path
        if self.server.log:
            flags = []
            if self.headers.get("If-None-Match"):
                flags.append("if-none-match")
            if self.headers.get("If-Modified-Since"):
                flags.append("if-modified-since")
            with open(self.server.log, "a") as f:
                f.write("GET %s%s\n" % (self.path, "".join(" [%s]" % x for x in flags)))
        if self.server.fail and os.path.exists(self.server.fail):
            code = int(open(self.server.fail).read().strip() or 500)
            return self.send(code, dumps({"message": "failing on purpose"}))
        route = getattr(self, "r_" + u.path.strip("/").replace("/", "_"), None)
        if not route:
            return self.send(404, dumps({"error": "no route %s" % u.path}))
        return route(q, arg, key)

    def do_POST(self):
        if self.path.startswith("/upload/"):
            return upload.handle(self)
        n = int(self.headers.get("Content-Length") or 0)
        self.body = self.rfile.read(n).decode("utf-8", "replace")
        if urlsplit(self.path).path == "/echo":
            return self.send(200, dumps({"method": self.command, "body": self.body,
                                         "content_type": self.headers.get("Content-Type")}))
        return self.do_GET()

    do_PUT = do_DELETE = do_POST

    def r_soda(self, q, arg, key):
        rows = self.rows(q)
        where = arg("$where")
        if where:
            m = re.match(r"\s*(\S+)\s*>\s*'([^']*)'\s*$", where)
            if not m:
                return self.send(400, dumps({"message": "cannot read $where"}))
            rows = [r for r in rows if r.get(m.group(1), "") > m.group(2)]
        off, lim = int(arg("$offset", "0")), int(arg("$limit", "1000"))
        body = dumps(rows[off:off + lim])
        etag = '"%s"' % hashlib.sha256(body).hexdigest()[:16]
        hdrs = [("ETag", etag), ("Last-Modified", LAST_MODIFIED)] + soda_headers(rows)
        if self.headers.get("If-None-Match") == etag or \
           self.headers.get("If-Modified-Since") == LAST_MODIFIED:
            self.send_response(304)
            for k, v in hdrs:
                self.send_header(k, v)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send(200, body, "application/json;charset=utf-8", hdrs)

    def r_repeat(self, q, arg, key):
        # the 1,500 real rows of the three samples over and over, up to
        # total= rows, in Socrata's own layout (a compact row per line), for
        # benchmarks
        total = int(arg("total", "200000"))
        off, lim = int(arg("$offset", "0")), int(arg("$limit", "1000"))
        n = max(0, min(lim, total - off))
        rows = ALL_ROWS
        ck = (off % len(rows), n)
        body = repeat_cache.get(ck)
        if body is None:
            page = [rows[(off + i) % len(rows)] for i in range(n)]
            body = repeat_cache[ck] = socrata_body(page)
        self.send(200, body, "application/json;charset=utf-8", soda_headers(ALL_ROWS[-1:]))

    def r_pages(self, q, arg, key):
        page, per = int(arg("page", "1")), int(arg("per_page", "100"))
        rows = self.rows(q)
        self.send(200, dumps(rows[(page - 1) * per: page * per]))

    def r_link(self, q, arg, key):
        page, per = int(arg("page", "1")), 100
        rows = self.rows(q)
        last = (len(rows) + per - 1) // per
        links = ['<https://elsewhere.invalid/link?page=1>; rel="first"']
        if page < last:
            links.append('</link?page=%d>; rel="next"' % (page + 1))
        self.send(200, dumps(rows[(page - 1) * per: page * per]),
                  headers=[("Link", ", ".join(links))])

    def r_cursor(self, q, arg, key):
        c = arg("cursor", "c0")
        off = int(c[1:])
        rows = self.rows(q)
        nxt = "c%d" % (off + 100) if off + 100 < len(rows) else None
        self.send(200, dumps({"data": rows[off:off + 100], "meta": {"next_cursor": nxt}}))

    def r_next(self, q, arg, key):
        off = int(arg("after", "0"))
        rows = self.rows(q)
        nxt = "/next?after=%d" % (off + 100) if off + 100 < len(rows) else None
        self.send(200, dumps({"results": rows[off:off + 100], "next": nxt}))

    def r_fault_429(self, q, arg, key):
        if hit(key) <= int(arg("n", "1")):
            after = arg("after", "1")
            if arg("date"):
                after = time.strftime("%a, %d %b %Y %H:%M:%S GMT",
                                      time.gmtime(time.time() + int(after) + 1))
            return self.send(429, dumps({"message": "slow down"}), headers=[("Retry-After", after)])
        self.send(200, dumps(self.rows(q)[:100]))

    def r_fault_500(self, q, arg, key):
        if hit(key) <= int(arg("n", "1")):
            return self.send(500, b"<html>internal error</html>\n", "text/html")
        self.send(200, dumps(self.rows(q)[:100]))

    def r_fault_slow(self, q, arg, key):
        if hit(key) <= int(arg("n", "1")):
            time.sleep(float(arg("delay", "2")))
        self.send(200, dumps(self.rows(q)[:100]))

    def r_fault_drop(self, q, arg, key, length=True):
        body = dumps(self.rows(q)[:100])
        if hit(key) <= int(arg("n", "1")):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            if length:
                self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.send(200, body)

    def r_fault_short(self, q, arg, key):
        self.r_fault_drop(q, arg, key, length=False)

    def r_fault_invalid(self, q, arg, key):
        body = dumps(self.rows(q)[:2]).replace(b'"1",\n', b'"1"\n', 1)
        self.send(200, body)

    def r_fault_404(self, q, arg, key):
        self.send(404, dumps({"error": True, "message": "dataset not found"}))

    def authorised(self):
        want = os.environ.get(self.server.token_env or "", "")
        return want and self.headers.get("X-App-Token") == want

    def r_auth(self, q, arg, key):
        if not self.authorised():
            # as some APIs do: the rejected token is echoed in the error
            got = self.headers.get("X-App-Token", "")
            return self.send(403, dumps({"message": "bad app token %s" % got}))
        self.send(200, dumps(self.rows(q)[:100]))

    def r_auth_fail(self, q, arg, key):
        if not self.authorised():
            return self.send(403, dumps({"message": "bad or missing app token"}))
        self.send(503, dumps({"message": "try later"}))

    def r_redirect(self, q, arg, key):
        # to=PATH on this server; host=localhost sends it to another origin
        host = arg("host")
        loc = arg("to", "/soda")
        if host:
            loc = "http://%s:%d%s" % (host, self.server.server_address[1], loc)
        self.send_response(302)
        self.send_header("Location", loc)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def r_gzip(self, q, arg, key):
        if "gzip" not in self.headers.get("Accept-Encoding", ""):
            return self.send(400, dumps({"message": "ask for gzip"}))
        body = gzip.compress(dumps(self.rows(q)[:100]), mtime=0)
        self.send(200, body, headers=[("Content-Encoding", "gzip")])

    def r_ua(self, q, arg, key):
        ua = self.headers.get("User-Agent", "")
        if not re.match(r"pipe/\d+\.\d+\.\d+", ua):
            return self.send(400, dumps({"message": "unexpected User-Agent"}))
        self.send(200, dumps([{"agent": "pipe"}]))

    def r_query(self, q, arg, key):
        self.send(200, dumps([{"query": urlsplit(self.path).query}]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    ap.add_argument("--log")
    ap.add_argument("--visible")
    ap.add_argument("--token-env")
    ap.add_argument("--fail")
    ap.add_argument("--lifetime", type=float, default=300)
    a = ap.parse_args()
    srv = serving.Server(("127.0.0.1", 0), Handler)
    srv.log, srv.visible, srv.token_env, srv.fail = a.log, a.visible, a.token_env, a.fail
    if a.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.tls[0], a.tls[1])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    serving.serve(srv, a.port_file, a.lifetime)


if __name__ == "__main__":
    main()
