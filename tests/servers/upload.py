"""BigQuery's upload endpoint for api.py (standard library only): the data of
a load job, as POST /upload/bigquery/v2/projects/P/jobs takes it.

  ?uploadType=multipart   a multipart/related body: the JSON metadata
        (application/json; charset=UTF-8), then the data
        (application/octet-stream), closed by --boundary--.  A boundary that
        occurs inside a part splits it, and the shape check fails: 400.
  ?uploadType=resumable   the JSON metadata opens a session: 200 with
        Location: /upload/session/<id>.  PUTs to it carry
        Content-Range: bytes a-b/total (a the bytes held so far; b-a+1 a
        multiple of 256 KiB unless b is the last byte), answered 308 with
        Range: bytes=0-<held-1> until the last, answered 200 with the job.
        Content-Range: bytes */total and an empty body asks what is held.
        &fail=K: the K-th chunk PUT keeps its first 256 KiB, then answers
        503; &drop=K: the same, then closes the connection unanswered.  Once
        for a save NAME, even in a new session.
  &host=H      the session's Location names host H (another origin).
  &save=NAME   the data received is written to NAME (in the server's
        directory), for the test to compare byte for byte.
The job replied: {"kind": "bigquery#job", "metadata": ..., "bytes": N,
"bytes_in": every data byte the PUTs of all sessions saving to the same NAME
brought, so that a restart shows; "chunks": the session's PUTs with data}.
Shape errors are 400 {"error": {"code": 400, "message": ...}}.
"""
import itertools
import json
import os
import re
import threading
from urllib.parse import parse_qs, urlsplit

UNIT = 256 * 1024
sessions = {}
bytes_in = {}  # by save name, over sessions
failed = set()  # save names whose fail= or drop= has happened
lock = threading.Lock()
ids = itertools.count(1)


def reply(h, code, obj, headers=()):
    body = (json.dumps(obj, indent=1) + "\n").encode()
    h.send(code, body, headers=headers)


def bad(h, why):
    reply(h, 400, {"error": {"code": 400, "message": why}})


def job(meta, data, bytes_in, chunks, save):
    if save:
        with open(save + ".tmp", "wb") as f:
            f.write(data)
        os.rename(save + ".tmp", save)
    return {"kind": "bigquery#job", "metadata": meta, "bytes": len(data),
            "bytes_in": bytes_in, "chunks": chunks}


def metadata(text):
    try:
        return json.loads(text.decode("utf-8"))
    except ValueError:
        return None


def multipart(h, q, body):
    m = re.fullmatch(r"multipart/related; boundary=([^\s;]+)", h.headers.get("Content-Type", ""))
    if not m:
        return bad(h, "Content-Type is not multipart/related with a boundary")
    b = m.group(1).encode()
    parts = body.split(b"--" + b)
    # "", metadata part, data part, "--\r\n": nothing more, nothing less
    if len(parts) != 4 or parts[0] != b"" or parts[3] != b"--\r\n":
        return bad(h, "expected two parts and a closing boundary, got %d pieces" % len(parts))
    want = [b"\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n",
            b"\r\nContent-Type: application/octet-stream\r\n\r\n"]
    got = []
    for part, head in zip(parts[1:3], want):
        if not part.startswith(head) or not part.endswith(b"\r\n"):
            return bad(h, "a part's headers or its end are not as expected")
        got.append(part[len(head):-2])
    meta = metadata(got[0])
    if meta is None:
        return bad(h, "the metadata part is not JSON")
    reply(h, 200, job(meta, got[1], len(got[1]), 0, q.get("save", [None])[0]))


def start(h, q, body):
    meta = metadata(body)
    if meta is None:
        return bad(h, "the metadata is not JSON")
    if h.headers.get("Content-Type") != "application/json; charset=UTF-8":
        return bad(h, "the metadata's Content-Type is not application/json; charset=UTF-8")
    total = h.headers.get("X-Upload-Content-Length")
    with lock:
        sid = str(next(ids))
        sessions[sid] = {"meta": meta, "data": bytearray(), "chunks": 0,
                         "total": int(total) if total else None,
                         "fail": int(q.get("fail", ["0"])[0]),
                         "drop": int(q.get("drop", ["0"])[0]),
                         "save": q.get("save", [None])[0]}
    host = q.get("host", ["127.0.0.1"])[0]
    reply(h, 200, {}, headers=[("Location", "http://%s:%d/upload/session/%s?upload_id=%s"
                                % (host, h.server.server_address[1], sid, sid))])


def held(s):
    return [("Range", "bytes=0-%d" % (len(s["data"]) - 1))] if s["data"] else []


def put(h, sid, body):
    s = sessions.get(sid)
    if s is None:
        return reply(h, 404, {"error": {"code": 404, "message": "no such session"}})
    cr = h.headers.get("Content-Range", "")
    m = re.fullmatch(r"bytes (\*|(\d+)-(\d+))/(\d+)", cr)
    if not m:
        return bad(h, "Content-Range %r is not bytes a-b/total or bytes */total" % cr)
    total = int(m.group(4))
    if s["total"] is not None and total != s["total"]:
        return bad(h, "total %d, but the session was opened for %d" % (total, s["total"]))
    if m.group(1) == "*":
        if body:
            return bad(h, "a status query has a body")
    else:
        a, b = int(m.group(2)), int(m.group(3))
        bytes_in[s["save"]] = bytes_in.get(s["save"], 0) + len(body)
        s["chunks"] += 1
        if b - a + 1 != len(body) or b >= total:
            return bad(h, "Content-Range %s does not match the %d bytes sent" % (cr, len(body)))
        if a != len(s["data"]):
            return bad(h, "chunk starts at %d, the session holds %d" % (a, len(s["data"])))
        if len(body) % UNIT and b != total - 1:
            return bad(h, "a chunk of %d bytes is not a multiple of 256 KiB" % len(body))
        if s["chunks"] in (s["fail"], s["drop"]) and s["save"] not in failed:
            failed.add(s["save"])
            s["data"] += body[:UNIT]
            if s["chunks"] == s["drop"]:
                h.close_connection = True
                return
            return reply(h, 503, {"error": {"code": 503, "message": "backend error"}})
        s["data"] += body
    if len(s["data"]) < total:
        h.send(308, b"", headers=held(s))
        return
    reply(h, 200, job(s["meta"], bytes(s["data"]), bytes_in[s["save"]], s["chunks"], s["save"]))


def handle(h):
    """Answers a POST or PUT under /upload/; h is api.py's handler."""
    n = int(h.headers.get("Content-Length") or 0)
    body = h.rfile.read(n)
    u = urlsplit(h.path)
    q = parse_qs(u.query)
    with lock:
        if h.command == "PUT" and u.path.startswith("/upload/session/"):
            return put(h, u.path.rsplit("/", 1)[1], body)
    kind = q.get("uploadType", [""])[0]
    if h.command != "POST" or not re.fullmatch(r"/upload/bigquery/v2/projects/[^/]+/jobs", u.path):
        return reply(h, 404, {"error": {"code": 404, "message": "no route %s" % u.path}})
    if kind == "multipart":
        return multipart(h, q, body)
    if kind == "resumable":
        return start(h, q, body)
    return bad(h, "uploadType %r is not multipart or resumable" % kind)
