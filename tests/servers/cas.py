"""A remote cache speaking the HTTP protocol of Bazel's (standard library
only), as bazel-remote or nginx with WebDAV serve it:

  GET  /cas/<sha256>, /ac/<sha256>   the bytes, or 404
  HEAD the same                      200 or 404, no body
  PUT  the same                      stores the body (201); a /cas/ body whose
                                     SHA-256 is not its name is refused: 400

Objects are files under --dir (written to a temp file, then renamed).  With
--token T every request must carry "Authorization: Bearer T", else 401.
--log FILE gets one line per request: "METHOD /path STATUS".

  cas.py --port-file FILE --dir DIR [--token T] [--log FILE] [--lifetime S]
"""
import argparse, hashlib, os, re, threading
import http.server
import serving  # the HTTP server's start and lifetime, beside this file

PATH = re.compile(r"^/(cas|ac)/([0-9a-f]{64})$")
log_lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "testcas/1"

    def log_message(self, *args):
        pass

    def note(self, code):
        if self.server.log:
            with log_lock, open(self.server.log, "a") as f:
                f.write("%s %s %d\n" % (self.command, self.path, code))

    def answer(self, code, body=b""):
        self.note(code)
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def target(self):
        if self.server.token and self.headers.get("Authorization") != "Bearer " + self.server.token:
            self.answer(401)
            return None
        m = PATH.match(self.path)
        if not m:
            self.answer(404)
            return None
        return m.group(1), m.group(2), os.path.join(self.server.dir, m.group(1), m.group(2))

    def do_GET(self):
        t = self.target()
        if not t:
            return
        if not os.path.exists(t[2]):
            return self.answer(404)
        with open(t[2], "rb") as f:
            self.answer(200, f.read())

    do_HEAD = do_GET

    def do_PUT(self):
        t = self.target()
        if not t:
            return
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if t[0] == "cas" and hashlib.sha256(body).hexdigest() != t[1]:
            return self.answer(400)
        os.makedirs(os.path.dirname(t[2]), exist_ok=True)
        tmp = "%s.tmp.%d" % (t[2], threading.get_ident())
        with open(tmp, "wb") as f:
            f.write(body)
        os.rename(tmp, t[2])
        self.answer(201)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--token")
    ap.add_argument("--log")
    ap.add_argument("--lifetime", type=float, default=300)
    a = ap.parse_args()
    srv = serving.Server(("127.0.0.1", 0), Handler)
    srv.dir, srv.token = os.path.abspath(a.dir), a.token
    srv.log = os.path.abspath(a.log) if a.log else None
    os.makedirs(srv.dir, exist_ok=True)
    serving.serve(srv, a.port_file, a.lifetime)


if __name__ == "__main__":
    main()
