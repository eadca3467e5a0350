#!/usr/bin/env python3
"""pipe serve: the JSON API over http.client (the Host header is set by
hand), and the page in headless Chromium driven through chromedriver's
WebDriver protocol with urllib.  Each test starts `pipe serve --listen
127.0.0.1:0` on a project of its own and reads the port it prints.
Prints 'ok NAME' / 'not ok NAME: why' (the suite's format, tests/run.py).

  test_serve.py [NAME-SUBSTRING ...]     ($PIPE: the pipe binary)
"""
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PIPE = os.environ.get("PIPE") or os.path.join(ROOT, "build", "pipe")
COINS = os.path.join(ROOT, "tests", "e2e", "homework_report_errors", "coins.json")

# words -> numbered -> report; other beside them; slow for the 409; a table
# and a report on it for /reports.  numbered counts its runs (data/runs),
# so each of its builds changes its output and report is rebuilt after it.
PIPEFILE = """\
command words: data/input.txt
  run = tr -s ' ' '\\n' < $in > $out
command numbered: words
  run = echo run >> data/runs; { wc -l < data/runs; cat $in; } > $out
command report: numbered
  run = head -1 $in > $out
command other: data/input.txt
  run = wc -w < $in > $out
  every = 1h
command slow: data/input.txt
  run = sleep 1.5; cat $in > $out
command trigger: data/input.txt
  run = echo "trigger=$PIPE_TRIGGER" > $out
table coins: coins.json
  dataset = crypto
report coin_report: coins
  title   = Coins
  queries =
    -- name: biggest
    SELECT name, cap FROM crypto.coins ORDER BY cap DESC
"""


# A run as runs.c writes it (the format atop runs.c).
RUN = """\
run 20261202T110000Z-4242.3
trigger scheduler
result failed
start 2026-12-02T11:00:00Z
end 2026-12-02T11:00:02Z
duration_ms 2012.5
built 1
failed 1
skipped 0
restored 0
satisfied 0
target words
status built
attempts 1
duration_ms 412.0
log |+
  split <the> words
target numbered
status failed
attempts 2
duration_ms 1600.2
error command exited with status 1
log |+
  numbered: no such file
"""


def write_run(d, run_id="20261202T110000Z-4242.3"):
    os.makedirs(os.path.join(d, "state", "runs"), exist_ok=True)
    with open(os.path.join(d, "state", "runs", run_id), "w") as f:
        f.write(RUN.replace("20261202T110000Z-4242.3", run_id))


def project():
    d = tempfile.mkdtemp(prefix="pipe-serve-")
    subprocess.run([PIPE, "init"], cwd=d, check=True, capture_output=True)
    os.makedirs(os.path.join(d, "data"))
    with open(os.path.join(d, "data", "input.txt"), "w") as f:
        f.write("a b c\n")
    with open(os.path.join(d, "pipelines", "serve.pipe"), "w") as f:
        f.write(PIPEFILE)
    shutil.copy(COINS, d)
    return d


class Server:
    """pipe serve on a free port of 127.0.0.1, in project d."""

    def __init__(self, d, *args):
        self.d = d
        self.p = subprocess.Popen([PIPE, "serve", "--listen", "127.0.0.1:0"] + list(args), cwd=d,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        line = self.p.stdout.readline()
        m = re.match(r"pipe serve: http://127\.0\.0\.1:(\d+)/", line)
        if not m:
            self.stop()
            raise AssertionError("serve did not start: %r" % (line + self.p.stdout.read()))
        self.port = int(m.group(1))
        self.url = "http://127.0.0.1:%d" % self.port

    def request(self, method, path, headers=None, host=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        h = dict(headers or {})
        c.putrequest(method, path, skip_host=True)
        c.putheader("Host", host if host is not None else "127.0.0.1:%d" % self.port)
        for k, v in h.items():
            c.putheader(k, v)
        c.endheaders()
        r = c.getresponse()
        body = r.read().decode()
        c.close()
        return r.status, dict(r.getheaders()), body

    def json(self, path, **kw):
        status, _, body = self.request("GET", path, **kw)
        assert status == 200, "%s: %d %s" % (path, status, body)
        return json.loads(body)

    def token(self):
        status, _, page = self.request("GET", "/")
        m = re.search(r'<meta name="pipe-token" content="([0-9a-f]{32})">', page)
        assert status == 200 and m, "no token in the page"
        return m.group(1)

    def wait_build(self, build_id, timeout=60):
        out, offset, deadline = "", 0, time.time() + timeout
        while time.time() < deadline:
            b = self.json("/api/builds/%d?offset=%d" % (build_id, offset))
            out += b["output"]
            offset = b["offset"]
            if not b["running"] and not b["output"]:
                return b, out
            time.sleep(0.1)
        raise AssertionError("build %d did not finish: %s" % (build_id, out))

    def stop(self):
        """SIGTERM: it says so and exits 0 (under ASan: without a leak)."""
        if self.p.poll() is None:
            self.p.terminate()
        try:
            rest, _ = self.p.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.p.kill()
            rest, _ = self.p.communicate()
        if sys.exc_info()[0] is None:
            assert self.p.returncode == 0 and rest == "pipe serve: stopped\n", \
                "serve exited %s: %s" % (self.p.returncode, rest[-2000:])


def by_name(targets):
    return {t["name"]: t for t in targets["targets"]}


def test_targets():
    d = project()
    subprocess.run([PIPE, "build", "words", "coin_report"], cwd=d, check=True, capture_output=True)
    s = Server(d)
    try:
        got = s.json("/api/targets")
        t = by_name(got)
        names = [x["name"] for x in got["targets"]]
        assert set(names) == {"words", "numbered", "report", "other", "slow", "trigger", "coins",
                              "coin_report"}, names
        # dependencies first, and each a layer right of what it reads
        assert names.index("words") < names.index("numbered") < names.index("report"), names
        assert [t[n]["layer"] for n in ("words", "numbered", "report", "coins", "coin_report")] == [0, 1, 2, 0, 1]
        assert t["numbered"]["inputs"] == ["words"] and t["words"]["files"] == ["data/input.txt"]
        assert t["words"]["status"] == "fresh" and t["words"]["why"] == "up to date", t["words"]
        assert t["numbered"]["status"] == "stale" and t["numbered"]["why"] == "never built"
        assert t["numbered"]["last"] is None and t["numbered"]["hash"] is None
        # the record's figures, as pipe show prints them
        show = subprocess.run([PIPE, "show", "words"], cwd=d, capture_output=True, text=True).stdout
        assert "output %s" % t["words"]["hash"] in show, (t["words"]["hash"], show)
        assert "run %s" % t["words"]["last"]["run"] in show, show
        assert t["words"]["bytes"] == 6 and t["words"]["rows"] is None, t["words"]
        assert t["words"]["last"]["status"] == "ok" and t["words"]["last"]["error"] is None
        assert t["coins"]["rows"] == 4, t["coins"]
        assert t["words"]["file"] == "pipelines/serve.pipe" and t["words"]["line"] == 1
        # a scheduled target never built is due now; the others have no schedule
        assert t["other"]["every"] == "1h" and t["other"]["next_due"] == got["now"], t["other"]
        assert t["words"]["next_due"] is None
        # a report's output, its page sandboxed away from the API's origin
        assert t["coin_report"]["report"] == "/reports/coin_report/" and t["coins"]["report"] is None
        status, headers, body = s.request("GET", "/reports/coin_report/")
        assert status == 200 and "<h1>Coins</h1>" in body, (status, body[:300])
        assert headers.get("Content-Security-Policy") == "sandbox", headers
        status, _, body = s.request("GET", "/reports/coin_report/report.md")
        assert status == 200 and "biggest" in body, body
        for bad in ("/reports/words/", "/reports/coin_report/..", "/reports/coin_report/.x",
                    "/reports/nope/", "/reports/coin_report/%2e%2e%2fcoins"):
            status, _, body = s.request("GET", bad)
            assert status == 404, (bad, status, body)
        # an edited DAG file shows at the next request
        with open(os.path.join(d, "pipelines", "serve.pipe"), "a") as f:
            f.write("command added: words\n  run = cat $in > $out\n")
        assert "added" in by_name(s.json("/api/targets"))
        status, _, body = s.request("GET", "/nothing")
        assert status == 404 and json.loads(body)["error"], body
    finally:
        s.stop()
        shutil.rmtree(d, ignore_errors=True)


def test_dag_edits():
    """The server keeps the DAG it read while its files are unchanged: each
    kind of file it came from, changed, is read again."""
    d = project()
    with open(os.path.join(d, "pipelines", "scripted.sh"), "w") as f:
        f.write("cat $in > $out\n")
    with open(os.path.join(d, "pipelines", "serve.pipe"), "a") as f:
        f.write("command scripted: words\n  run = @pipelines/scripted.sh\n")
    subprocess.run([PIPE, "build", "scripted"], cwd=d, check=True, capture_output=True)
    old = time.time() - 10

    def settle():
        # files older than a second, then read: the DAG kept is not a racy one
        for f in os.listdir(os.path.join(d, "pipelines")) + [""]:
            os.utime(os.path.join(d, "pipelines", f), (old, old))
        return by_name(s.json("/api/targets"))

    s = Server(d)
    try:
        assert settle()["scripted"]["status"] == "fresh"
        assert by_name(s.json("/api/targets"))["scripted"]["status"] == "fresh"
        # an @file
        with open(os.path.join(d, "pipelines", "scripted.sh"), "w") as f:
            f.write("sort $in > $out\n")
        t = by_name(s.json("/api/targets"))["scripted"]
        assert t["status"] == "stale" and "recipe changed (run)" in t["why"], t
        # a new DAG file in pipelines/, itself old: pipelines/ changed
        settle()
        with open(os.path.join(d, "pipelines", "more.pipe"), "w") as f:
            f.write("command more: words\n  run = cat $in > $out\n")
        os.utime(os.path.join(d, "pipelines", "more.pipe"), (old, old))
        assert "more" in by_name(s.json("/api/targets"))
        settle()
        # a DAG file with an error: its message, then the fix
        with open(os.path.join(d, "pipelines", "more.pipe"), "a") as f:
            f.write("command broken: nothing_here\n")
        status, _, body = s.request("GET", "/api/targets")
        assert status == 500 and "pipelines/more.pipe:3" in json.loads(body)["error"], (status, body)
        os.remove(os.path.join(d, "pipelines", "more.pipe"))
        got = by_name(s.json("/api/targets"))
        assert "more" not in got and "scripted" in got
    finally:
        s.stop()
        shutil.rmtree(d, ignore_errors=True)


def test_plan_kept():
    """The server keeps the plan between answers while nothing it read
    changed (the index, state/targets/, each output and input file's stat,
    the files of a directory output): each change shows at the next answer."""
    d = project()
    with open(os.path.join(d, "pipelines", "serve.pipe"), "a") as f:
        f.write("command flaky: coins.json\n  run = test ! -f data/fail && cat $in > $out\n")
    subprocess.run([PIPE, "build", "words", "coins", "flaky"], cwd=d, check=True, capture_output=True)

    def settled():
        # a file changed in the last whole second is read again whatever its
        # stat says: wait it out, so that only the stat can tell the change
        time.sleep(2.1)
        return by_name(s.json("/api/targets"))

    s = Server(d)
    try:
        assert settled()["words"]["status"] == "fresh"
        assert by_name(s.json("/api/targets"))["words"]["status"] == "fresh"
        # an input file changed: stale, and its downstream waits on it
        with open(os.path.join(d, "data", "input.txt"), "w") as f:
            f.write("a b c d\n")
        t = settled()
        assert t["words"]["status"] == "stale" and t["words"]["why"] == "input data/input.txt changed", t["words"]
        assert by_name(s.json("/api/targets"))["words"]["status"] == "stale"
        # rebuilt from the page: fresh
        status, _, body = s.request("POST", "/api/targets/words/rebuild", {"X-Pipe-Token": s.token()})
        assert status == 202, (status, body)
        done, out = s.wait_build(json.loads(body)["id"])
        assert done["exit"] == 0, out
        t = settled()
        assert t["words"]["status"] == "fresh" and t["words"]["why"] == "up to date", t["words"]
        # a file inside a directory output, changed by hand: its directory's
        # stat stays; the plan sees it through the index
        assert t["coins"]["status"] == "fresh", t["coins"]
        with open(os.path.join(d, "targets", "coins", "sketches"), "ab") as f:
            f.write(b"x")
        t = settled()
        assert t["coins"]["status"] == "stale" and "was modified outside pipe" in t["coins"]["why"], t["coins"]
        # a build that failed leaves the output as it was: its record and
        # the index say it failed
        assert t["flaky"]["status"] == "fresh", t["flaky"]
        open(os.path.join(d, "data", "fail"), "w").close()
        status, _, body = s.request("POST", "/api/targets/flaky/rebuild", {"X-Pipe-Token": s.token()})
        done, out = s.wait_build(json.loads(body)["id"])
        assert done["exit"] == 1, out
        t = settled()["flaky"]
        assert t["status"] == "stale" and t["last"]["status"] == "failed", t
    finally:
        s.stop()
        shutil.rmtree(d, ignore_errors=True)


def test_refused():
    d = project()
    s = Server(d)
    try:
        token = s.token()
        here = "127.0.0.1:%d" % s.port
        # a POST without the token, or with another, starts nothing
        for headers in ({}, {"X-Pipe-Token": "0" * 32}, {"X-Pipe-Token": token[:-1]}):
            status, _, body = s.request("POST", "/api/targets/words/rebuild", headers)
            assert status == 403 and "token" in json.loads(body)["error"], (headers, status, body)
        # a name that is not this server's (DNS rebinding), or another port
        for host in ("evil.example:%d" % s.port, "127.0.0.1:1", "127.0.0.1", "", "localhost.evil:%d" % s.port):
            for method, path, headers in (("GET", "/api/targets", {}), ("GET", "/", {}),
                                          ("POST", "/api/targets/words/rebuild", {"X-Pipe-Token": token})):
                status, _, body = s.request(method, path, headers, host=host)
                assert status == 403 and "Host" in json.loads(body)["error"], (host, path, status, body)
        for host in ("localhost:%d" % s.port, "LOCALHOST:%d" % s.port, here, "[::1]:%d" % s.port):
            assert s.json("/api/targets", host=host)["targets"]
        status, _, _ = s.request("GET", "/api/builds/1")
        assert status == 404, status
        assert not os.path.exists(os.path.join(d, "targets", "words")), "a refused POST built"
        assert subprocess.run(["git", "-C", "state", "log", "--oneline"], cwd=d,
                              capture_output=True, text=True).stdout.count("\n") == 0
        # the wrong method, an unknown target
        status, _, _ = s.request("GET", "/api/targets/words/rebuild")
        assert status == 405, status
        status, _, _ = s.request("PUT", "/api/targets", {"X-Pipe-Token": token})
        assert status == 405, status
        status, _, body = s.request("POST", "/api/targets/nope/rebuild", {"X-Pipe-Token": token})
        assert status == 404 and "unknown target 'nope'" in body, body
        # the page forbids framing and anything fetched from elsewhere
        status, headers, _ = s.request("GET", "/")
        assert headers.get("X-Frame-Options") == "DENY", headers
        assert "frame-ancestors 'none'" in headers.get("Content-Security-Policy", ""), headers
    finally:
        s.stop()
        shutil.rmtree(d, ignore_errors=True)


def test_rebuild():
    d = project()
    subprocess.run([PIPE, "build", "words", "numbered", "report"], cwd=d, check=True, capture_output=True)
    s = Server(d)
    try:
        token = s.token()
        status, _, body = s.request("POST", "/api/targets/numbered/rebuild", {"X-Pipe-Token": token})
        assert status == 202, (status, body)
        b = json.loads(body)
        assert b["target"] == "numbered" and b["url"] == "/api/builds/%d" % b["id"], b
        done, out = s.wait_build(b["id"])
        assert done["exit"] == 0 and done["finished"], done
        # numbered though up to date, then report after it; words and other not
        assert "[1/2] numbered: forced" in out and "[2/2] report: input numbered changed" in out, out
        t = by_name(s.json("/api/targets"))
        assert t["numbered"]["status"] == "fresh" and t["report"]["status"] == "fresh", t
        assert t["other"]["status"] == "stale", t["other"]
        with open(os.path.join(d, "targets", "report")) as f:
            assert f.read().strip() == "2"
        # one build at a time: a second POST while one runs is told which
        status, _, body = s.request("POST", "/api/targets/slow/rebuild", {"X-Pipe-Token": token})
        assert status == 202, body
        slow = json.loads(body)
        status, _, body = s.request("POST", "/api/targets/words/rebuild", {"X-Pipe-Token": token})
        assert status == 409 and json.loads(body)["id"] == slow["id"], (status, body)
        assert s.json("/api/targets")["build"]["running"]
        done, out = s.wait_build(slow["id"])
        assert done["exit"] == 0 and "slow: never built" in out, out
        # a failing build: its exit code and its error reach the page
        with open(os.path.join(d, "pipelines", "serve.pipe"), "a") as f:
            f.write("command broken: words\n  run = echo nope >&2; exit 3\n")
        status, _, body = s.request("POST", "/api/targets/broken/rebuild", {"X-Pipe-Token": token})
        done, out = s.wait_build(json.loads(body)["id"])
        assert done["exit"] == 1 and "nope" in out, (done, out)
        t = by_name(s.json("/api/targets"))["broken"]
        assert t["status"] == "stale" and t["last"]["status"] == "failed" and t["last"]["error"], t
        # the build's run says what started it (runs.c reads PIPE_TRIGGER)
        status, _, body = s.request("POST", "/api/targets/trigger/rebuild", {"X-Pipe-Token": token})
        done, out = s.wait_build(json.loads(body)["id"])
        with open(os.path.join(d, "targets", "trigger")) as f:
            assert f.read() == "trigger=serve\n"
        # and /api/runs lists it, newest first, with that trigger
        runs = s.json("/api/runs")
        assert runs[0]["trigger"] == "serve" and runs[0]["built"] == 1, runs[0]
        one = s.json("/api/runs/" + runs[0]["id"])
        assert [t["name"] for t in one["targets"]] == ["trigger"], one
        assert [r["trigger"] for r in runs] == ["serve"] * (len(runs) - 1) + ["manual"], runs
        # the output is read from any offset
        b = s.json("/api/builds/%d?offset=5" % slow["id"])
        assert b["output"] and b["offset"] > 5
    finally:
        s.stop()
        shutil.rmtree(d, ignore_errors=True)


def test_runs():
    d = project()
    s = Server(d)
    try:
        assert s.json("/api/runs") == [], "a project never built has no runs"
        write_run(d)
        write_run(d, "20261202T120000Z-4242.4")
        runs = s.json("/api/runs")
        assert [r["id"] for r in runs] == ["20261202T120000Z-4242.4", "20261202T110000Z-4242.3"], runs
        r = runs[1]
        assert (r["trigger"], r["start"], r["end"], r["ok"], r["built"], r["failed"]) == \
            ("scheduler", "2026-12-02T11:00:00Z", "2026-12-02T11:00:02Z", False, 1, 1), r
        assert len(s.json("/api/runs?max=1")) == 1
        one = s.json("/api/runs/20261202T110000Z-4242.3")
        assert [t["name"] for t in one["targets"]] == ["words", "numbered"], one
        assert one["targets"][0]["log"] == "split <the> words\n", one["targets"][0]
        assert one["targets"][1]["attempts"] == 2 and one["targets"][1]["status"] == "failed"
        for bad in ("nope", "..", ".hidden", "..%2fstate"):
            status, _, body = s.request("GET", "/api/runs/" + bad)
            assert status == 404 and "no run" in json.loads(body)["error"], (bad, status, body)
    finally:
        s.stop()
        shutil.rmtree(d, ignore_errors=True)


def test_listen_errors():
    d = project()
    try:
        for bad in ("8080", "127.0.0.1:", "127.0.0.1:99999", "::1:8080", "[::1]8080", ":8080"):
            p = subprocess.run([PIPE, "serve", "--listen", bad], cwd=d, capture_output=True, text=True)
            assert p.returncode == 2 and "--listen wants ADDR:PORT" in p.stderr, (bad, p.returncode, p.stderr)
        s = Server(d)
        try:
            p = subprocess.run([PIPE, "serve", "--listen", "127.0.0.1:%d" % s.port], cwd=d,
                               capture_output=True, text=True, timeout=10)
            assert p.returncode == 3 and "Address already in use" in p.stderr, p.stderr
        finally:
            s.stop()
        p = subprocess.run([PIPE, "serve", "--frob"], cwd=d, capture_output=True, text=True)
        assert p.returncode == 2 and "unknown option --frob" in p.stderr, p.stderr
        with open(os.path.join(d, "pipelines", "serve.pipe"), "a") as f:
            f.write("command bad: nothing_here\n")
        p = subprocess.run([PIPE, "serve", "--listen", "127.0.0.1:0"], cwd=d, capture_output=True,
                           text=True, timeout=10)
        assert p.returncode == 2 and "serve.pipe" in p.stderr, p.stderr
    finally:
        shutil.rmtree(d, ignore_errors=True)


# ---- the page in Chromium ----

def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """A headless Chromium session through chromedriver (W3C WebDriver)."""

    def __init__(self):
        self.port = free_port()
        self.profile = tempfile.mkdtemp(prefix="pipe-chromium-")
        self.driver = subprocess.Popen(["chromedriver", "--port=%d" % self.port],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.base = "http://127.0.0.1:%d" % self.port
        deadline = time.time() + 15
        while True:
            try:
                if self.call("GET", "/status")["ready"]:
                    break
            except OSError:
                pass
            if time.time() > deadline:
                self.quit()
                raise AssertionError("chromedriver did not start")
            time.sleep(0.1)
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": shutil.which("chromium") or "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--no-first-run", "--disable-background-networking", "--disable-extensions",
                     "--user-data-dir=" + self.profile, "--window-size=1200,900"]}}}}
        try:
            self.session = self.call("POST", "/session", caps)["sessionId"]
        except Exception:
            self.quit()
            raise

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return json.loads(r.read())["value"]
        except urllib.error.HTTPError as e:
            raise AssertionError("WebDriver %s %s: %s" % (method, path, e.read()[:500]))

    def s(self, method, path, body=None):
        return self.call(method, "/session/%s%s" % (self.session, path), body)

    def find(self, css, timeout=10):
        deadline = time.time() + timeout
        while True:
            found = self.s("POST", "/elements", {"using": "css selector", "value": css})
            if found:
                return [list(e.values())[0] for e in found]
            if time.time() > deadline:
                raise AssertionError("no element %s on the page" % css)
            time.sleep(0.1)

    def text(self, element):
        return self.s("GET", "/element/%s/text" % element)

    def wait_text(self, css, pattern, timeout=20):
        deadline, last = time.time() + timeout, None
        while time.time() < deadline:
            els = self.s("POST", "/elements", {"using": "css selector", "value": css})
            if els:
                last = self.text(list(els[0].values())[0])
                if re.search(pattern, last):
                    return last
            time.sleep(0.1)
        raise AssertionError("%s: %r, waited for %r" % (css, last, pattern))

    def quit(self):
        try:
            if getattr(self, "session", None):
                self.s("DELETE", "")
        except Exception:
            pass
        self.driver.terminate()
        try:
            self.driver.wait(10)
        except subprocess.TimeoutExpired:
            self.driver.kill()
        shutil.rmtree(self.profile, ignore_errors=True)



def test_page_in_chromium():
    d = project()
    subprocess.run([PIPE, "build", "words", "numbered", "report"], cwd=d, check=True, capture_output=True)
    write_run(d)
    s = Server(d)
    b = None
    try:
        b = Browser()
        b.s("POST", "/url", {"url": s.url + "/"})
        # the page lists every target, and draws each in the DAG
        rows = b.find("#targets tbody tr")
        names = [b.s("GET", "/element/%s/attribute/data-target" % r) for r in rows]
        assert sorted(names) == sorted(["words", "numbered", "report", "other", "slow", "trigger",
                                        "coins", "coin_report"]), names
        assert len(b.find("#dag svg g.node")) == len(names)
        assert b.wait_text('tr[data-target="numbered"] td.status', r"^fresh$")
        assert b.wait_text('tr[data-target="other"] td.status', r"^stale: never built")
        # the run history, and a run's logs on a click
        run = b.find('#runs tbody tr[data-run="20261202T110000Z-4242.3"]')[0]
        b.s("POST", "/element/%s/click" % run, {})
        b.wait_text("#run-detail", r"split <the> words(.|\n)*numbered: failed, 2 attempts")
        before = open(os.path.join(d, "targets", "numbered")).read()
        # a click on numbered's rebuild button: the build runs, its output
        # shows, and the page shows the result
        button = b.find('tr[data-target="numbered"] button.rebuild')[0]
        b.s("POST", "/element/%s/click" % button, {})
        b.wait_text("#build-status", r"^build \d+ of numbered: ok$")
        out = b.wait_text("#build-output", r"report: input numbered changed")
        assert "numbered: forced" in out, out
        after = open(os.path.join(d, "targets", "numbered")).read()
        assert before != after and after.startswith("2"), (before, after)
        # the table was read again after the build: numbered's new hash
        t = by_name(s.json("/api/targets"))["numbered"]
        b.wait_text('tr[data-target="numbered"] td.hash', "^" + t["hash"][:12] + "$")
        b.wait_text('tr[data-target="numbered"] td.status', r"^fresh$")
    finally:
        if b:
            b.quit()
        s.stop()
        shutil.rmtree(d, ignore_errors=True)


TESTS = [test_targets, test_dag_edits, test_plan_kept, test_refused, test_rebuild, test_runs, test_listen_errors, test_page_in_chromium]


def main():
    only = sys.argv[1:]
    for t in TESTS:
        name = t.__name__[5:]
        if only and not any(o in name for o in only):
            continue
        started = time.time()
        try:
            t()
            print("ok %s (%.1f s)" % (name, time.time() - started))
        except Exception as e:
            print("not ok %s: %s" % (name, str(e).splitlines()[0] if str(e) else type(e).__name__))
            print("  " + traceback.format_exc().replace("\n", "\n  "))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
