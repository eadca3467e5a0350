#!/usr/bin/env python3
"""CoinGecko's /api/v3/coins/markets on 127.0.0.1, for the crypto homework test.

Serves markets.json (an hour's page, written by hour.py from the real page in
pipelines/data/crypto) in pages: ?page=N&per_page=M, past the end [].  With
--key-env NAME, a request without the header x-cg-demo-api-key equal to
$NAME gets CoinGecko's 401.  Each request is logged (path and whether the key
was right, never the key) to --log.

  coingecko.py --port-file FILE --log FILE [--key-env NAME] [--lifetime S]
"""
import argparse, http.server, json, os, socketserver, threading
from urllib.parse import urlsplit, parse_qs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--key-env")
    ap.add_argument("--lifetime", type=float, default=60)
    a = ap.parse_args()
    key = os.environ.get(a.key_env) if a.key_env else None

    class H(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            u = urlsplit(self.path)
            q = parse_qs(u.query)
            ok_key = key is None or self.headers.get("x-cg-demo-api-key") == key
            with open(a.log, "a") as f:
                f.write("GET %s page=%s per_page=%s key=%s\n" % (u.path, q.get("page", ["?"])[0],
                        q.get("per_page", ["?"])[0], "ok" if ok_key else "missing"))
            if u.path != "/api/v3/coins/markets":
                return self.send(404, {"error": "Not Found"})
            if not ok_key:
                return self.send(401, {"status": {"error_code": 10002, "error_message": "API Key Missing"}})
            coins = json.load(open("markets.json"))
            page, per = int(q.get("page", ["1"])[0]), int(q.get("per_page", ["100"])[0])
            self.send(200, coins[(page - 1) * per:page * per])

        def send(self, code, body):
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    socketserver.TCPServer.allow_reuse_address = True
    srv = socketserver.ThreadingTCPServer(("127.0.0.1", 0), H)
    with open(a.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(a.port_file + ".tmp", a.port_file)
    threading.Timer(a.lifetime, srv.shutdown).start()
    srv.serve_forever()


if __name__ == "__main__":
    main()
