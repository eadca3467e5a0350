#!/usr/bin/env python3
"""An OAuth 2.0 token endpoint on 127.0.0.1 that checks service-account JWTs
as Google's does (standard library, plus the openssl command line).

A request: POST, Content-Type application/x-www-form-urlencoded,
  grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=JWT
The JWT must be header.claims.signature in unpadded base64url; the header
exactly {"alg":"RS256","typ":"JWT"}; the signature RS256 over
"header.claims", verified with `openssl dgst -sha256 -verify PUBKEY`; the
claims iss = --email, scope = the BigQuery scope, aud = the URL posted to
(http://HOST/PATH as the client named it), integer iat within 5 minutes of
now, 0 < exp - iat <= 3600.  A good request gets
  {"access_token": "ya29.<random>", "expires_in": 3599, "token_type": "Bearer"}
a bad one 400 {"error": "invalid_grant", "error_description": "..."} (Google's
words for a bad signature: "Invalid JWT Signature."), and so on.

Paths (the checks are the same on each):
  /token           the reply above
  /token/short     expires_in 30: less than the client's renewal margin
  /token/flaky     503 the first time, then as /token
  /token/down      always 503
  /token/empty     200 without an access_token
  /token/noexpiry  200 with an access_token but no expires_in
Each request adds a line to --log: "PATH ok TOKEN" or "PATH STATUS why".

  token_server.py --port-file FILE --pubkey PEM --email ADDRESS [--log FILE] [--lifetime S]
"""
import argparse, base64, json, os, re, secrets, subprocess, tempfile, threading, time
import http.server
import serving  # the HTTP server's start and lifetime, beside this file
from urllib.parse import parse_qs

SCOPE = "https://www.googleapis.com/auth/bigquery"
GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
B64URL = re.compile(r"^[A-Za-z0-9_-]+$")

counts = {}
lock = threading.Lock()


def b64url(s):
    if not B64URL.match(s):
        raise ValueError("not unpadded base64url")
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


class Refused(Exception):
    def __init__(self, error, description):
        super().__init__(description)
        self.error, self.description = error, description


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "testtoken/1"

    def log_message(self, fmt, *args):
        pass

    def send(self, code, obj):
        body = (json.dumps(obj, indent=2) + "\n").encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log(self, line):
        if self.server.log:
            with lock, open(self.server.log, "a") as f:
                f.write("%s %s\n" % (self.path, line))

    def verify_signature(self, signing_input, signature):
        with tempfile.TemporaryDirectory() as d:
            data, sig = os.path.join(d, "data"), os.path.join(d, "sig")
            with open(data, "wb") as f:
                f.write(signing_input)
            with open(sig, "wb") as f:
                f.write(signature)
            p = subprocess.run(["openssl", "dgst", "-sha256", "-verify", self.server.pubkey,
                                "-signature", sig, data], capture_output=True)
            return p.returncode == 0

    def check(self, body):
        if self.headers.get("Content-Type") != "application/x-www-form-urlencoded":
            raise Refused("invalid_request", "Content-Type is not application/x-www-form-urlencoded")
        form = parse_qs(body, keep_blank_values=True)
        if form.get("grant_type") != [GRANT]:
            raise Refused("unsupported_grant_type", "Invalid grant_type: %s" % form.get("grant_type"))
        assertion = form.get("assertion", [""])
        if len(assertion) != 1 or assertion[0].count(".") != 2:
            raise Refused("invalid_request", "Invalid JWT: not three parts")
        h, c, s = assertion[0].split(".")
        try:
            header, claims, signature = b64url(h), json.loads(b64url(c)), b64url(s)
        except ValueError as e:
            raise Refused("invalid_grant", "Invalid JWT: %s" % e)
        if header != b'{"alg":"RS256","typ":"JWT"}':
            raise Refused("invalid_grant", "Invalid JWT header: %r" % header)
        if not self.verify_signature(("%s.%s" % (h, c)).encode(), signature):
            raise Refused("invalid_grant", "Invalid JWT Signature.")
        aud = "http://%s%s" % (self.headers.get("Host"), self.path)
        want = {"iss": self.server.email, "scope": SCOPE, "aud": aud}
        for k, v in want.items():
            if claims.get(k) != v:
                raise Refused("invalid_grant", "Invalid JWT: %s is %r, not %r" % (k, claims.get(k), v))
        iat, exp = claims.get("iat"), claims.get("exp")
        if not isinstance(iat, int) or not isinstance(exp, int):
            raise Refused("invalid_grant", "Invalid JWT: iat and exp must be integers")
        if abs(iat - time.time()) > 300:
            raise Refused("invalid_grant", "Invalid JWT: Token must be a short-lived token "
                          "(60 minutes) and in a reasonable timeframe. Check your iat and exp "
                          "values in the JWT claim.")
        if not 0 < exp - iat <= 3600:
            raise Refused("invalid_grant", "Invalid JWT: exp - iat is %d s" % (exp - iat))
        if set(claims) != {"iss", "scope", "aud", "iat", "exp"}:
            raise Refused("invalid_grant", "Invalid JWT: claims %s" % sorted(claims))

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n).decode("utf-8", "replace")
        with lock:
            counts[self.path] = counts.get(self.path, 0) + 1
            count = counts[self.path]
        if self.path == "/token/down" or (self.path == "/token/flaky" and count == 1):
            self.log("503 unavailable")
            return self.send(503, {"error": "temporarily_unavailable"})
        try:
            self.check(body)
        except Refused as e:
            self.log("400 %s: %s" % (e.error, e.description))
            return self.send(400, {"error": e.error, "error_description": e.description})
        token = "ya29.test-" + secrets.token_urlsafe(24)
        reply = {"access_token": token, "expires_in": 3599, "token_type": "Bearer"}
        if self.path == "/token/short":
            reply["expires_in"] = 30
        elif self.path == "/token/empty":
            del reply["access_token"]
        elif self.path == "/token/noexpiry":
            del reply["expires_in"]
        self.log("ok %s" % token)
        self.send(200, reply)

    def do_GET(self):
        self.send(405, {"error": "invalid_request", "error_description": "POST only"})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--pubkey", required=True)
    ap.add_argument("--email", required=True)
    ap.add_argument("--log")
    ap.add_argument("--lifetime", type=float, default=300)
    a = ap.parse_args()
    srv = serving.Server(("127.0.0.1", 0), Handler)
    srv.pubkey, srv.email, srv.log = os.path.abspath(a.pubkey), a.email, a.log
    serving.serve(srv, a.port_file, a.lifetime)


if __name__ == "__main__":
    main()
