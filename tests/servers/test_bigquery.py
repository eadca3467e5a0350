#!/usr/bin/env python3
"""Drives bigquery.py with urllib the way BigQuery's REST reference shows:
a token from a signed JWT, load jobs of the real taxi rows (multipart and
resumable), query jobs polled and paged, dry runs, the 409 of a job id used
twice, the MERGE emulation, each shape check refusing a bad request, and
each fault of /_control.  Prints 'ok NAME' / 'not ok NAME: why' (the
suite's format, tests/run.py).  Figures are compared with what `pipe query`
says in the server's own warehouse, and rows with the sample files, read
here with the json module.

  test_bigquery.py [NAME-SUBSTRING ...]     ($PIPE: the pipe binary)
"""
import os
import sys
import base64
import copy
import datetime
import http.client
import json
import re
import shutil
import subprocess
import tempfile
import time
import traceback
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PIPE = os.environ.get("PIPE") or os.path.join(ROOT, "build", "pipe")
TAXI = os.path.join(ROOT, "pipelines", "data", "taxi")
EMAIL = "pipe-tests@test-project.iam.gserviceaccount.com"
PROJECT = "test-project"

# The sample rows: 500 a year; 2021 and 2023 have congestion_surcharge,
# 2023 airport_fee too (PROVENANCE.md).
SAMPLES = {y: json.load(open(os.path.join(TAXI, f))) for f in sorted(os.listdir(TAXI))
           for y in [f[7:11]] if f.startswith("yellow-") and f.endswith(".json")}
INTS = ["vendorid", "passenger_count", "ratecodeid", "pulocationid", "dolocationid",
        "payment_type"]
FLOATS = ["trip_distance", "fare_amount", "extra", "mta_tax", "tip_amount", "tolls_amount",
          "improvement_surcharge", "total_amount", "congestion_surcharge", "airport_fee"]
SCHEMA = {"fields": [{"name": n, "type": "INTEGER", "mode": "NULLABLE"} for n in INTS[:1]] +
          [{"name": "tpep_pickup_datetime", "type": "TIMESTAMP"},
           {"name": "tpep_dropoff_datetime", "type": "TIMESTAMP"}] +
          [{"name": n, "type": "INTEGER"} for n in INTS[1:]] +
          [{"name": "store_and_fwd_flag", "type": "STRING"}] +
          [{"name": n, "type": "FLOAT"} for n in FLOATS]}


def ndjson(rows):
    return "".join(json.dumps(r) + "\n" for r in rows).encode()


class Server:
    def __init__(self, tmp):
        self.tmp = tmp
        self.key = os.path.join(tmp, "key.pem")
        pub = os.path.join(tmp, "pub.pem")
        subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
                        "rsa_keygen_bits:2048", "-out", self.key], check=True, capture_output=True)
        subprocess.run(["openssl", "pkey", "-in", self.key, "-pubout", "-out", pub], check=True,
                       capture_output=True)
        self.log = os.path.join(tmp, "requests.log")
        self.dir = os.path.join(tmp, "bq")
        port_file = os.path.join(tmp, "port")
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "bigquery.py"), "--port-file", port_file,
             "--pipe", PIPE, "--pubkey", pub, "--email", EMAIL, "--dir", self.dir,
             "--log", self.log, "--dataset", "taxi", "--block-rows", "64",
             "--lifetime", "1200"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=open(os.path.join(tmp, "server.err"), "w"))
        for _ in range(400):
            if os.path.exists(port_file):
                break
            time.sleep(0.05)
        self.url = "http://127.0.0.1:%s" % open(port_file).read().strip()
        self.token = None
        self.jobs = 0

    def stop(self):
        self.proc.kill()
        self.proc.wait()

    def jwt(self, key=None, **claims):
        def b64(b):
            return base64.urlsafe_b64encode(b).rstrip(b"=").decode()
        now = int(time.time())
        c = {"iss": EMAIL, "scope": "https://www.googleapis.com/auth/bigquery",
             "aud": self.url + "/token", "iat": now, "exp": now + 3600}
        c.update(claims)
        signing = b64(b'{"alg":"RS256","typ":"JWT"}') + "." + b64(json.dumps(c).encode())
        sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key or self.key],
                             input=signing.encode(), capture_output=True, check=True).stdout
        return signing + "." + b64(sig)

    def request(self, method, path, body=None, headers=None, token=True, raw=None):
        """(status, JSON body or None, headers)."""
        h = dict(headers or {})
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            h.setdefault("Content-Type", "application/json")
        if token and self.token:
            h["Authorization"] = "Bearer " + self.token
        req = urllib.request.Request(self.url + path, data=data, headers=h, method=method)
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                text, code, hdrs = r.read(), r.status, r.headers
        except urllib.error.HTTPError as e:
            text, code, hdrs = e.read(), e.code, e.headers
        return code, (json.loads(text) if text.strip() else None), hdrs

    def token_request(self, key=None):
        form = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=" + \
            self.jwt(key)
        code, body, _ = self.request("POST", "/token", raw=form.encode(), token=False,
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        return code, body

    def get_token(self):
        code, body = self.token_request()
        assert code == 200, body
        self.token = body["access_token"]

    def control(self, **c):
        code, body, _ = self.request("POST", "/_control", c, token=False)
        assert code == 200, body
        return body

    def dump(self):
        return self.request("GET", "/_dump", token=False)[1]

    def job_id(self, tag):
        self.jobs += 1
        return "pipe_test_%s_%d" % (tag, self.jobs)

    def insert(self, sql, job_id=None, dry=False, **query):
        cfg = {"query": dict({"query": sql, "useLegacySql": False}, **query)}
        if dry:
            cfg["dryRun"] = True
        body = {"jobReference": {"projectId": PROJECT, "jobId": job_id or self.job_id("q"),
                                 "location": "US"}, "configuration": cfg}
        return self.request("POST", "/bigquery/v2/projects/%s/jobs" % PROJECT, body)

    def poll(self, job_id, location="US"):
        for _ in range(50):
            code, job, _ = self.request("GET", "/bigquery/v2/projects/%s/jobs/%s?location=%s"
                                        % (PROJECT, job_id, location))
            assert code == 200, job
            if job["status"]["state"] == "DONE":
                return job
        raise AssertionError("job %s never DONE" % job_id)

    def query(self, sql, **query):
        job_id = self.job_id("q")
        code, job, _ = self.insert(sql, job_id, **query)
        assert code == 200, job
        return self.poll(job_id)

    def results(self, job_id, params=""):
        code, res, _ = self.request("GET", "/bigquery/v2/projects/%s/queries/%s?location=US%s"
                                    % (PROJECT, job_id, params))
        return code, res

    def all_rows(self, job_id, params=""):
        rows, token, pages = [], None, 0
        while True:
            p = params + ("&pageToken=" + token if token else "")
            code, res = self.results(job_id, p)
            assert code == 200 and res["jobComplete"], res
            rows += [[c["v"] for c in r["f"]] for r in res.get("rows", [])]
            pages += 1
            token = res.get("pageToken")
            if not token:
                return rows, pages, res

    def load_config(self, table, write="WRITE_TRUNCATE", **extra):
        load = {"destinationTable": {"projectId": PROJECT, "datasetId": "taxi", "tableId": table},
                "sourceFormat": "NEWLINE_DELIMITED_JSON", "schema": copy.deepcopy(SCHEMA),
                "writeDisposition": write}
        load.update(extra)
        return {"jobReference": {"projectId": PROJECT, "jobId": self.job_id("load")},
                "configuration": {"load": load}}

    def multipart(self, meta, data, params=""):
        b = "test-boundary-0"
        body = ("--%s\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n%s\r\n"
                "--%s\r\nContent-Type: application/octet-stream\r\n\r\n"
                % (b, json.dumps(meta), b)).encode() + data + ("\r\n--%s--\r\n" % b).encode()
        return self.request("POST", "/upload/bigquery/v2/projects/%s/jobs?uploadType=multipart%s"
                            % (PROJECT, params), raw=body,
                            headers={"Content-Type": "multipart/related; boundary=" + b})

    def resumable(self, meta, data, chunk=256 * 1024):
        code, body, hdrs = self.request(
            "POST", "/upload/bigquery/v2/projects/%s/jobs?uploadType=resumable" % PROJECT,
            raw=json.dumps(meta).encode(),
            headers={"Content-Type": "application/json; charset=UTF-8",
                     "X-Upload-Content-Type": "application/octet-stream",
                     "X-Upload-Content-Length": str(len(data))})
        if code != 200:
            return code, body, 0
        session = hdrs["Location"].split(":%s" % self.url.rsplit(":", 1)[1], 1)[1]
        puts = 0
        for a in range(0, len(data), chunk):
            piece = data[a:a + chunk]
            code, body, _ = self.request("PUT", session, raw=piece, token=False, headers={
                "Content-Range": "bytes %d-%d/%d" % (a, a + len(piece) - 1, len(data))})
            puts += 1
            if code not in (200, 308):
                break
        return code, body, puts

    def pipe_query(self, sql, *flags):
        p = subprocess.run([PIPE, "query", "--json"] + list(flags) + ["-"], input=sql,
                           cwd=os.path.join(self.dir, "warehouse"), capture_output=True, text=True,
                           env=dict(os.environ, PIPE_WAREHOUSE="local"))
        assert p.returncode == 0, p.stderr
        return json.loads(p.stdout)

    def log_lines(self):
        return open(self.log).read().splitlines() if os.path.exists(self.log) else []


# -- helpers for the checks --------------------------------------------------

def refused(resp, code, reason, *words):
    c, body, _ = resp if len(resp) == 3 else (resp[0], resp[1], None)
    assert c == code, "HTTP %s, not %s: %s" % (c, code, body)
    e = body["error"]
    assert e["code"] == code and e["errors"][0]["reason"] == reason, body
    assert e["status"] == {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED",
                           403: "PERMISSION_DENIED", 404: "NOT_FOUND", 409: "ALREADY_EXISTS",
                           500: "INTERNAL", 503: "UNAVAILABLE"}[code], body
    for w in words:
        assert w in e["message"], "%r not in %r" % (w, e["message"])
    return e


def tps(job):
    return int(job["statistics"]["query"]["totalBytesProcessed"])


# -- the checks, in order (later ones use the tables earlier ones load) ------

def t_token(s):
    s.get_token()
    assert s.token.startswith("ya29.")
    other = os.path.join(s.tmp, "other.pem")
    subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-out", other], check=True,
                   capture_output=True)
    code, body = s.token_request(key=other)
    assert code == 400 and body["error_description"] == "Invalid JWT Signature.", body


def t_auth(s):
    path = "/bigquery/v2/projects/%s/jobs/x?location=US" % PROJECT
    e = refused(s.request("GET", path, token=False), 401, "required")
    assert e["errors"][0]["location"] == "Authorization"
    refused(s.request("GET", path, token=False, headers={"Authorization": "Bearer ya29.forged"}),
            401, "authError", "invalid authentication credentials")
    refused(s.request("GET", path, token=False, headers={"Authorization": s.token}),
            401, "required")


def t_load_multipart(s):
    meta = s.load_config("trips", timePartitioning={"type": "DAY",
                                                    "field": "tpep_dropoff_datetime"},
                         clustering={"fields": ["vendorid"]})
    code, job, _ = s.multipart(meta, ndjson(SAMPLES["2019"]))
    assert code == 200 and job["status"]["state"] == "RUNNING", job
    assert job["jobReference"]["jobId"] == meta["jobReference"]["jobId"]
    job = s.poll(meta["jobReference"]["jobId"])
    assert "errorResult" not in job["status"], job
    assert job["statistics"]["load"]["outputRows"] == "500", job
    code, t, _ = s.request("GET", "/bigquery/v2/projects/%s/datasets/taxi/tables/trips" % PROJECT)
    assert code == 200 and t["numRows"] == "500", t
    assert [f["name"] for f in t["schema"]["fields"]] == [f["name"] for f in SCHEMA["fields"]], t
    assert t["schema"]["fields"][0]["type"] == "INTEGER", t
    assert t["timePartitioning"] == {"type": "DAY", "field": "tpep_dropoff_datetime"}, t
    assert t["clustering"] == {"fields": ["vendorid"]}, t
    # --block-rows 64: more blocks than partitions, for clustering to skip
    local = s.pipe_query("SELECT vendorid FROM taxi.trips")
    assert local["blocks_total"] > local["partitions_total"] > 1, local


def t_load_resumable(s):
    data = ndjson(SAMPLES["2021"] + SAMPLES["2023"])
    assert len(data) > 256 * 1024, "the rows fit one chunk: the test would not span chunks"
    meta = s.load_config("trips", write="WRITE_APPEND")
    code, job, puts = s.resumable(meta, data)
    assert code == 200 and puts >= 2, (code, job, puts)
    job = s.poll(meta["jobReference"]["jobId"])
    assert job["statistics"]["load"]["outputRows"] == "1000", job
    res = s.query("SELECT COUNT(*) AS n, COUNT(airport_fee) AS fees FROM taxi.trips")
    rows, _, _ = s.all_rows(res["jobReference"]["jobId"])
    fees = sum(1 for r in SAMPLES["2023"] if r.get("airport_fee") is not None)
    assert rows == [["1500", str(fees)]], rows


def t_query_results(s):
    # the oracle: the sample rows themselves
    want = {}
    for y in SAMPLES:
        for r in SAMPLES[y]:
            want[r["vendorid"]] = want.get(r["vendorid"], 0) + 1
    job = s.query("SELECT vendorid, COUNT(*) AS n FROM taxi.trips GROUP BY vendorid "
                  "ORDER BY vendorid")
    q = job["statistics"]["query"]
    assert q["statementType"] == "SELECT" and q["cacheHit"] is False, q
    rows, pages, res = s.all_rows(job["jobReference"]["jobId"])
    assert rows == [[k, str(v)] for k, v in sorted(want.items(), key=lambda kv: int(kv[0]))], rows
    assert res["schema"]["fields"] == [{"name": "vendorid", "type": "INTEGER", "mode": "NULLABLE"},
                                       {"name": "n", "type": "INTEGER", "mode": "NULLABLE"}], res
    # FLOAT64 as Java writes a double, as BigQuery's JSON does; a comment first
    job = s.query("-- the values\n"
                  "SELECT 1e20 AS big, 0.0001 AS small, 100.0 AS whole, -2.5 AS neg, "
                  "CAST(NULL AS FLOAT64) AS none, TRUE AS yes, DATE '2019-01-02' AS d")
    rows, _, res = s.all_rows(job["jobReference"]["jobId"])
    assert rows == [["1.0E20", "1.0E-4", "100.0", "-2.5", None, "true", "2019-01-02"]], rows
    assert [f["type"] for f in res["schema"]["fields"]] == \
        ["FLOAT", "FLOAT", "FLOAT", "FLOAT", "FLOAT", "BOOLEAN", "DATE"], res


def t_paging(s):
    job = s.query("SELECT tpep_pickup_datetime, fare_amount, store_and_fwd_flag FROM taxi.trips "
                  "ORDER BY tpep_pickup_datetime, fare_amount LIMIT 25")
    jid = job["jobReference"]["jobId"]
    rows, pages, res = s.all_rows(jid)
    assert len(rows) == 25 and pages == 3 and res["totalRows"] == "25", (len(rows), pages)
    rows7, pages7, _ = s.all_rows(jid, "&maxResults=7")
    assert rows7 == rows and pages7 == 4, pages7
    first = min(SAMPLES["2019"] + SAMPLES["2021"] + SAMPLES["2023"],
                key=lambda r: (r["tpep_pickup_datetime"], float(r["fare_amount"])))
    # TIMESTAMP: seconds since the epoch as a Java double; FLOAT64 likewise
    t = datetime.datetime.fromisoformat(first["tpep_pickup_datetime"]).replace(
        tzinfo=datetime.timezone.utc).timestamp()
    assert float(rows[0][0]) == t and "E9" in rows[0][0], rows[0]
    assert float(rows[0][1]) == float(first["fare_amount"]) and "." in rows[0][1], rows[0]
    code, res = s.results(jid, "&maxResults=1&formatOptions.useInt64Timestamp=true")
    assert res["rows"][0]["f"][0]["v"] == str(int(t) * 1000000), res
    refused(s.results(jid, "&pageToken=BQ5.nothing"), 400, "invalid", "page token")


def t_bytes(s):
    sql = ("SELECT fare_amount, tip_amount FROM taxi.trips "
           "WHERE tpep_dropoff_datetime < '2019-01-02'")
    job = s.query(sql)
    local = s.pipe_query(sql)
    q = job["statistics"]["query"]
    assert tps(job) == local["bytes_processed"] > 0, (q, local)
    assert int(q["totalBytesBilled"]) == local["bytes_billed"], (q, local)
    assert job["statistics"]["totalBytesProcessed"] == q["totalBytesProcessed"]
    code, dry, _ = s.insert(sql, "dry_run_job", dry=True)
    assert code == 200 and dry["status"]["state"] == "DONE", dry
    assert int(dry["statistics"]["totalBytesProcessed"]) == local["estimate_bytes"], dry
    assert "totalBytesBilled" not in dry["statistics"]["query"], dry
    # clustering skips blocks as the query runs, which a dry run cannot
    # foresee: the figure below the estimate, as in BigQuery
    sql = "SELECT fare_amount FROM taxi.trips WHERE vendorid = 1"
    job = s.query(sql)
    code, dry, _ = s.insert(sql, dry=True)
    assert tps(job) == s.pipe_query(sql)["bytes_processed"], job
    assert 0 < tps(job) < int(dry["statistics"]["totalBytesProcessed"]), (job, dry)
    # a dry run is not kept: its id is free, and jobs.get does not know it
    refused(s.request("GET", "/bigquery/v2/projects/%s/jobs/dry_run_job?location=US" % PROJECT),
            404, "notFound")
    refused(s.insert("SELEC 1", dry=True), 400, "invalidQuery", "Syntax error")


def t_cache(s):
    sql = "SELECT COUNT(*) FROM taxi.trips WHERE vendorid = 2"
    first = s.query(sql)
    again = s.query(sql)
    assert again["statistics"]["query"]["cacheHit"] is True and tps(again) == 0, again
    assert tps(first) > 0
    rows1, _, _ = s.all_rows(first["jobReference"]["jobId"])
    rows2, _, _ = s.all_rows(again["jobReference"]["jobId"])
    assert rows1 == rows2
    nocache = s.query(sql, useQueryCache=False)
    assert nocache["statistics"]["query"]["cacheHit"] is False and tps(nocache) == tps(first)
    s.query("CREATE OR REPLACE TABLE taxi.cache_buster AS SELECT 1 AS one")
    after = s.query(sql)
    assert after["statistics"]["query"]["cacheHit"] is False, after


def t_duplicate(s):
    s.query("CREATE OR REPLACE TABLE taxi.dup AS SELECT vendorid FROM taxi.trips LIMIT 3")
    code, job, _ = s.insert("INSERT INTO taxi.dup SELECT vendorid FROM taxi.trips LIMIT 2",
                            "pipe_dup_1")
    assert code == 200
    job = s.poll("pipe_dup_1")
    assert job["statistics"]["query"]["numDmlAffectedRows"] == "2", job
    e = refused(s.insert("INSERT INTO taxi.dup SELECT vendorid FROM taxi.trips LIMIT 2",
                         "pipe_dup_1"), 409, "duplicate")
    assert e["message"] == "Already Exists: Job %s:US.pipe_dup_1" % PROJECT, e
    rows, _, _ = s.all_rows(s.query("SELECT COUNT(*) FROM taxi.dup")["jobReference"]["jobId"])
    assert rows == [["5"]], rows  # the second insert ran nothing
    meta = s.load_config("dup_load")
    meta["jobReference"]["jobId"] = "pipe_dup_1"
    refused(s.multipart(meta, ndjson(SAMPLES["2019"][:3])), 409, "duplicate")


def t_query_errors(s):
    job = s.query("SELECT nope FROM taxi.trips")
    e = job["status"]["errorResult"]
    assert e["reason"] == "invalidQuery" and e["location"] == "query", e
    assert "nope" in e["message"] and job["status"]["errors"][0] == e, e
    refused(s.results(job["jobReference"]["jobId"]), 400, "invalidQuery", "nope")
    job = s.query("SELECT * FROM taxi.missing")
    assert job["status"]["errorResult"]["reason"] == "notFound", job
    job = s.query("SELECT * FROM taxi.trips", maximumBytesBilled="1000")
    e = job["status"]["errorResult"]
    assert e["reason"] == "bytesBilledLimitExceeded", e
    job = s.query("CREATE TABLE nodataset.t AS SELECT 1 AS one")
    assert job["status"]["errorResult"]["reason"] == "notFound", job
    assert "Dataset %s:nodataset" % PROJECT in job["status"]["errorResult"]["message"], job
    for sql in ("CREATE TABLE t AS SELECT 1 AS one", "INSERT INTO trips SELECT * FROM taxi.trips",
                "DROP TABLE trips"):
        e = s.query(sql)["status"]["errorResult"]
        assert e["reason"] == "invalidQuery" and "must be qualified with a dataset" in \
            e["message"], (sql, e)
    # a project's name in SQL is the job's project
    job = s.query("SELECT COUNT(*) FROM `%s.taxi.trips`" % PROJECT)
    assert "errorResult" not in job["status"], job
    e = s.query("SELECT COUNT(*) FROM your_project_id.taxi.trips")["status"]["errorResult"]
    assert e["reason"] == "notFound" and "your_project_id:taxi.trips" in e["message"], e
    # a table of the same name in another dataset is not replaced
    s.request("POST", "/bigquery/v2/projects/%s/datasets" % PROJECT,
              {"datasetReference": {"projectId": PROJECT, "datasetId": "elsewhere"}})
    e = s.query("CREATE TABLE elsewhere.trips AS SELECT 1 AS one")["status"]["errorResult"]
    assert "one table named trips" in e["message"], e


def t_location(s):
    job = s.query("SELECT 1 AS one")
    jid = job["jobReference"]["jobId"]
    refused(s.request("GET", "/bigquery/v2/projects/%s/jobs/%s?location=EU" % (PROJECT, jid)),
            404, "notFound")
    code, job, _ = s.request("GET", "/bigquery/v2/projects/%s/jobs/%s" % (PROJECT, jid))
    assert code == 200, job  # US needs no location
    body = {"jobReference": {"projectId": PROJECT, "jobId": "pipe_tokyo",
                             "location": "asia-northeast1"},
            "configuration": {"query": {"query": "SELECT 1", "useLegacySql": False}}}
    assert s.request("POST", "/bigquery/v2/projects/%s/jobs" % PROJECT, body)[0] == 200
    refused(s.request("GET", "/bigquery/v2/projects/%s/jobs/pipe_tokyo" % PROJECT), 404,
            "notFound")
    assert s.poll("pipe_tokyo", "asia-northeast1")["status"]["state"] == "DONE"


def t_load_errors(s):
    meta = s.load_config("bad_rows")
    s.multipart(meta, b'{"vendorid": 1, "nosuchfield": 2}\n')
    st = s.poll(meta["jobReference"]["jobId"])["status"]
    e, why = st["errorResult"], st["errors"][1]
    assert e["reason"] == "invalid" and "too many errors, giving up. Rows: 1;" in e["message"], e
    assert st["errors"][0] == e and "No such field: nosuchfield." in why["message"], st
    meta = s.load_config("bad_rows")
    s.multipart(meta, b'{"vendorid": 1}\n{"vendorid": "one"}\n')
    st = s.poll(meta["jobReference"]["jobId"])["status"]
    e, why = st["errorResult"], st["errors"][1]["message"]
    assert e["reason"] == "invalid" and "Rows: 2;" in e["message"], e
    assert 'column vendorid: cannot convert "one" to INT64' in why and "line 2" in why, why
    meta = s.load_config("trips", write="WRITE_APPEND")
    meta["configuration"]["load"]["schema"] = {"fields": SCHEMA["fields"] + [
        {"name": "extra_column", "type": "STRING"}]}
    s.multipart(meta, ndjson(SAMPLES["2019"][:2]))
    e = s.poll(meta["jobReference"]["jobId"])["status"]["errorResult"]
    assert "Cannot add fields (field: extra_column)" in e["message"], e
    meta = s.load_config("trips", write="WRITE_EMPTY")
    s.multipart(meta, ndjson(SAMPLES["2019"][:2]))
    e = s.poll(meta["jobReference"]["jobId"])["status"]["errorResult"]
    assert e["reason"] == "duplicate", e
    meta = s.load_config("never_made", createDisposition="CREATE_NEVER")
    s.multipart(meta, ndjson(SAMPLES["2019"][:2]))
    e = s.poll(meta["jobReference"]["jobId"])["status"]["errorResult"]
    assert e["reason"] == "notFound", e
    meta = s.load_config("required")
    meta["configuration"]["load"]["schema"] = {"fields": [
        {"name": "vendorid", "type": "INTEGER", "mode": "REQUIRED"}]}
    s.multipart(meta, b'{"vendorid": 1}\n{}\n')
    st = s.poll(meta["jobReference"]["jobId"])["status"]
    assert "Rows: 2;" in st["errorResult"]["message"], st
    assert "Missing required field: vendorid." in st["errors"][1]["message"], st
    # no rows: the table, empty, with its schema
    meta = s.load_config("empty")
    s.multipart(meta, b"")
    job = s.poll(meta["jobReference"]["jobId"])
    assert job["statistics"]["load"]["outputRows"] == "0", job
    code, t, _ = s.request("GET", "/bigquery/v2/projects/%s/datasets/taxi/tables/empty" % PROJECT)
    assert t["numRows"] == "0" and len(t["schema"]["fields"]) == len(SCHEMA["fields"]), t
    # the table the failed loads named is as it was
    rows, _, _ = s.all_rows(s.query("SELECT COUNT(*) FROM taxi.trips")["jobReference"]["jobId"])
    assert rows == [["1500"]], rows


def t_merge(s):
    key = ["vendorid", "tpep_pickup_datetime", "tpep_dropoff_datetime", "pulocationid"]
    old, new = SAMPLES["2021"][:300], SAMPLES["2021"][200:400]
    new = [dict(r, fare_amount="999") if i % 2 else r for i, r in enumerate(new)]
    for table, rows in (("merged", old), ("merged_tmp", new)):
        meta = s.load_config(table, timePartitioning={"type": "MONTH",
                                                      "field": "tpep_pickup_datetime"})
        s.multipart(meta, ndjson(rows))
        assert "errorResult" not in s.poll(meta["jobReference"]["jobId"])["status"]
    sets = ", ".join("%s = s.%s" % (f["name"], f["name"]) for f in SCHEMA["fields"])
    on = " AND ".join("t.%s = s.%s" % (k, k) for k in key)
    job = s.query("MERGE `%s.taxi.merged` t USING `%s.taxi.merged_tmp` s ON %s WHEN MATCHED "
                  "THEN UPDATE SET %s WHEN NOT MATCHED THEN INSERT ROW"
                  % (PROJECT, PROJECT, on, sets))
    assert "errorResult" not in job["status"], job
    q = job["statistics"]["query"]
    assert q["statementType"] == "MERGE" and q["numDmlAffectedRows"] == "200", q
    # the oracle: a dict keyed as the MERGE is
    merged = {tuple(r[k] for k in key): r for r in old}
    merged.update({tuple(r[k] for k in key): r for r in new})
    res = s.query("SELECT COUNT(*), SUM(fare_amount), COUNTIF(fare_amount = 999) FROM taxi.merged")
    rows, _, _ = s.all_rows(res["jobReference"]["jobId"])
    n, total, n999 = rows[0]
    assert int(n) == len(merged) == 400, rows
    assert abs(float(total) - sum(float(r["fare_amount"]) for r in merged.values())) < 1e-6, rows
    assert int(n999) == 100, rows
    code, t, _ = s.request("GET", "/bigquery/v2/projects/%s/datasets/taxi/tables/merged" % PROJECT)
    assert t["timePartitioning"] == {"type": "MONTH", "field": "tpep_pickup_datetime"}, t
    # two source rows for one target row; twice a key the target lacks is fine
    meta = s.load_config("merged_tmp2")
    s.multipart(meta, ndjson([SAMPLES["2023"][0], SAMPLES["2023"][0]]))
    s.poll(meta["jobReference"]["jobId"])
    job = s.query("MERGE taxi.merged t USING taxi.merged_tmp2 s ON %s WHEN MATCHED THEN UPDATE "
                  "SET %s WHEN NOT MATCHED THEN INSERT ROW" % (on, sets))
    assert job["statistics"]["query"]["numDmlAffectedRows"] == "2", job
    meta = s.load_config("merged_tmp", write="WRITE_APPEND")
    s.multipart(meta, ndjson(new[:1]))
    s.poll(meta["jobReference"]["jobId"])
    job = s.query("MERGE taxi.merged t USING taxi.merged_tmp s ON %s WHEN MATCHED THEN UPDATE "
                  "SET %s WHEN NOT MATCHED THEN INSERT ROW" % (on, sets))
    assert "at most one source row" in job["status"]["errorResult"]["message"], job
    job = s.query("MERGE taxi.merged t USING taxi.merged_tmp s ON %s WHEN NOT MATCHED THEN "
                  "INSERT ROW" % on)
    assert "MERGE only as" in job["status"]["errorResult"]["message"], job


def t_merge_null_keys(s):
    """ON (t.k = s.k OR (t.k IS NULL AND s.k IS NULL)): a NULL key matches a
    NULL key; a plain t.k = s.k matches none (BigQuery's =), so the source's
    NULL-key row is inserted; INSERT (c, ...) VALUES (s.c, ...) goes by name."""
    key = ["vendorid", "tpep_pickup_datetime", "tpep_dropoff_datetime", "pulocationid"]
    rows = SAMPLES["2021"][:20]
    old = [dict(rows[0], pulocationid=None)] + rows[1:10]
    new = [dict(rows[0], pulocationid=None, fare_amount="777")] + rows[10:20]
    cols = [f["name"] for f in SCHEMA["fields"]]
    sets = ", ".join("%s = s.%s" % (c, c) for c in cols)
    ins = "INSERT (%s) VALUES (%s)" % (", ".join(reversed(cols)), ", ".join("s." + c for c in reversed(cols)))
    for eq, want in (("t.%s = s.%s", [21, 2]), ("(t.%s = s.%s OR (t.%s IS NULL AND s.%s IS NULL))", [20, 1])):
        on = " AND ".join(eq.replace("%s", k) for k in key)
        for table, part in (("nmerged", old), ("nmerged_tmp", new)):
            meta = s.load_config(table)
            s.multipart(meta, ndjson(part))
            assert "errorResult" not in s.poll(meta["jobReference"]["jobId"])["status"]
        job = s.query("MERGE taxi.nmerged t USING taxi.nmerged_tmp s ON %s WHEN MATCHED THEN UPDATE SET "
                      "%s WHEN NOT MATCHED THEN %s" % (on, sets, ins))
        assert "errorResult" not in job["status"], job
        res = s.query("SELECT COUNT(*), COUNTIF(pulocationid IS NULL), COUNTIF(fare_amount = 777), "
                      "ROUND(SUM(fare_amount), 2) FROM taxi.nmerged")
        got, _, _ = s.all_rows(res["jobReference"]["jobId"])
        fares = sum(float(r["fare_amount"]) for r in (old + new if want[0] == 21 else old[1:] + new))
        assert got == [[str(want[0]), str(want[1]), "1", str(round(fares, 2))]], (on, got, fares)


def t_alter(s):
    """ALTER TABLE ... ADD COLUMN: the rows kept, the new column NULL and
    last, 0 bytes; IF NOT EXISTS of a column the table has does nothing;
    another ALTER is refused."""
    meta = s.load_config("altered")
    s.multipart(meta, ndjson(SAMPLES["2023"][:100]))
    assert "errorResult" not in s.poll(meta["jobReference"]["jobId"])["status"]
    job = s.query("ALTER TABLE `%s.taxi.altered` ADD COLUMN IF NOT EXISTS `note` STRING, "
                  "ADD COLUMN IF NOT EXISTS vendorid INT64" % PROJECT)
    assert "errorResult" not in job["status"], job
    q = job["statistics"]["query"]
    assert q["statementType"] == "ALTER_TABLE" and q["totalBytesProcessed"] == "0", q
    code, t, _ = s.request("GET", "/bigquery/v2/projects/%s/datasets/taxi/tables/altered" % PROJECT)
    assert t["numRows"] == "100" and t["schema"]["fields"][-1]["name"] == "note", t
    assert len(t["schema"]["fields"]) == len(SCHEMA["fields"]) + 1, t
    job = s.query("ALTER TABLE taxi.altered ADD COLUMN vendorid INT64")
    assert "already exists" in job["status"]["errorResult"]["message"], job
    job = s.query("ALTER TABLE taxi.altered DROP COLUMN note")
    assert "ALTER TABLE only as" in job["status"]["errorResult"]["message"], job


def t_merge_condition(s):
    """The shape pipe's merge sends: a subquery that picks one source row
    per key (QUALIFY), and WHEN MATCHED AND a condition: a matched row
    whose condition is not true stays as it is."""
    key = ["vendorid", "tpep_pickup_datetime", "tpep_dropoff_datetime", "pulocationid"]
    old, new = SAMPLES["2021"][:300], SAMPLES["2021"][200:400]
    new = [dict(r, fare_amount=str(float(r["fare_amount"]) + (5 if i % 3 == 0 else -5)))
           for i, r in enumerate(new)]
    new += [dict(r, fare_amount="999") for r in new[:10]]  # a key twice: the larger fare is picked
    for table, rows in (("cmerged", old), ("cmerged_tmp", new)):
        meta = s.load_config(table)
        s.multipart(meta, ndjson(rows))
        assert "errorResult" not in s.poll(meta["jobReference"]["jobId"])["status"]
    sets = ", ".join("%s = S.%s" % (f["name"], f["name"]) for f in SCHEMA["fields"])
    on = " AND ".join("T.%s = S.%s" % (k, k) for k in key)
    job = s.query("MERGE `%s.taxi.cmerged` T USING (SELECT * FROM `%s.taxi.cmerged_tmp` WHERE TRUE "
                  "QUALIFY ROW_NUMBER() OVER (PARTITION BY %s ORDER BY fare_amount DESC) = 1) S ON %s "
                  "WHEN MATCHED AND (S.fare_amount >= T.fare_amount) THEN UPDATE SET %s "
                  "WHEN NOT MATCHED THEN INSERT ROW" % (PROJECT, PROJECT, ", ".join(key), on, sets))
    assert "errorResult" not in job["status"], job
    # the oracle
    merged = {tuple(r[k] for k in key): float(r["fare_amount"]) for r in old}
    picked = {}
    for r in new:
        k = tuple(r[c] for c in key)
        picked[k] = max(picked.get(k, float("-inf")), float(r["fare_amount"]))
    for k, fare in picked.items():
        merged[k] = fare if k not in merged else max(merged[k], fare)
    res = s.query("SELECT COUNT(*), SUM(fare_amount) FROM taxi.cmerged")
    rows, _, _ = s.all_rows(res["jobReference"]["jobId"])
    assert int(rows[0][0]) == len(merged), (rows, len(merged))
    assert abs(float(rows[0][1]) - sum(merged.values())) < 1e-6, (rows, sum(merged.values()))
    code, _, _ = s.request("GET", "/bigquery/v2/projects/%s/datasets/taxi/tables/cmerged__bq_merge_source"
                           % PROJECT)
    assert code == 404, code


def t_seed_sql(s):
    """The seed's statements as pipelines/ has them (comments first, `;`
    last, your_project_id.taxi_data names, VendorID for vendorid), in a
    project of that name: each runs, and its figures are the warehouse's."""
    proj = "your_project_id"
    path = "/bigquery/v2/projects/%s" % proj
    assert s.request("POST", path + "/datasets",
                     {"datasetReference": {"projectId": proj, "datasetId": "taxi_data"}})[0] == 200
    meta = s.load_config("staging_taxi_trips")
    meta["jobReference"]["projectId"] = proj
    meta["configuration"]["load"]["destinationTable"].update(projectId=proj, datasetId="taxi_data")
    code, job, _ = s.request(
        "POST", "/upload/bigquery/v2/projects/%s/jobs?uploadType=multipart" % proj,
        raw=b"--b\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n" +
        json.dumps(meta).encode() + b"\r\n--b\r\nContent-Type: application/octet-stream\r\n\r\n" +
        ndjson(SAMPLES["2019"] + SAMPLES["2021"] + SAMPLES["2023"]) + b"\r\n--b--\r\n",
        headers={"Content-Type": "multipart/related; boundary=b"})
    assert code == 200, job
    pipelines = os.path.join(ROOT, "pipelines")
    report = open(os.path.join(pipelines, "taxi_report.sql")).read()
    vendor_days = re.search(r"sql = (CREATE OR REPLACE TABLE \S+taxi_vendor_days.*?;)",
                            open(os.path.join(pipelines, "taxi.pipe")).read(), re.S).group(1)
    statements = [open(os.path.join(pipelines, "optimized_taxi_trips.sql")).read(), vendor_days] + \
        [b.split("\n", 1)[1] for b in report.split("\n-- name:")[1:]]
    vendors = sorted({r["vendorid"] for y in ("2019",) for r in SAMPLES[y]
                      if "2019-01-01" <= r["tpep_dropoff_datetime"][:10] < "2019-01-15"})
    staging = None
    for sql in statements:
        jid = s.job_id("seed")
        body = {"jobReference": {"projectId": proj, "jobId": jid},
                "configuration": {"query": {"query": sql, "useLegacySql": False}}}
        assert s.request("POST", path + "/jobs", body)[0] == 200
        code, job, _ = s.request("GET", path + "/jobs/%s" % jid)
        assert "errorResult" not in job["status"], (sql, job["status"])
        if "SELECT DISTINCT VendorID" not in sql:
            continue
        code, res, _ = s.request("GET", path + "/queries/%s" % jid)
        assert sorted(r["f"][0]["v"] for r in res["rows"]) == vendors, res
        local = s.pipe_query(sql.replace(proj + ".", ""))
        assert tps(job) == local["bytes_processed"], (sql, job, local)
        if "staging" in sql:
            staging = tps(job)
        elif "optimized" in sql:
            assert tps(job) < staging, (tps(job), staging)  # partitions pruned


def t_tables(s):
    s.query("CREATE OR REPLACE TABLE taxi.dup AS SELECT vendorid FROM taxi.trips LIMIT 3")
    code, lst, _ = s.request("GET", "/bigquery/v2/projects/%s/datasets/taxi/tables" % PROJECT)
    names = [t["tableReference"]["tableId"] for t in lst["tables"]]
    assert "trips" in names and "dup" in names and not any("bqserver" in n for n in names), names
    code, body, _ = s.request("DELETE", "/bigquery/v2/projects/%s/datasets/taxi/tables/dup"
                              % PROJECT)
    assert code == 204 and body is None, (code, body)
    refused(s.request("GET", "/bigquery/v2/projects/%s/datasets/taxi/tables/dup" % PROJECT),
            404, "notFound", "Not found: Table %s:taxi.dup" % PROJECT)
    refused(s.request("DELETE", "/bigquery/v2/projects/%s/datasets/taxi/tables/dup" % PROJECT),
            404, "notFound")
    refused(s.request("GET", "/bigquery/v2/projects/%s/datasets/other" % PROJECT), 404, "notFound")
    ds = {"datasetReference": {"projectId": PROJECT, "datasetId": "other"}, "location": "US"}
    path = "/bigquery/v2/projects/%s/datasets" % PROJECT
    assert s.request("POST", path, ds)[0] == 200
    refused(s.request("POST", path, ds), 409, "duplicate", "Already Exists: Dataset")
    assert s.request("GET", path + "/other")[0] == 200
    code, lst, _ = s.request("GET", path)
    names = [d["datasetReference"]["datasetId"] for d in lst["datasets"]]
    assert {"other", "taxi"} <= set(names) and names == sorted(names), names


def shape(s, change, reason_words, kind="query", code=400):
    """Sends a good job with change applied; expects a refusal naming reason_words."""
    if kind == "query":
        body = {"jobReference": {"projectId": PROJECT, "jobId": s.job_id("shape")},
                "configuration": {"query": {"query": "SELECT 1", "useLegacySql": False}}}
        change(body)
        r = s.request("POST", "/bigquery/v2/projects/%s/jobs" % PROJECT, body)
    else:
        body = s.load_config("shape")
        change(body)
        r = s.multipart(body, b'{"vendorid": 1}\n')
    refused(r, code, "invalid", *reason_words)
    return body


def t_shapes(s):
    def q(body):
        return body["configuration"]["query"]

    def ld(body):
        return body["configuration"]["load"]
    cases = [
        ("unknown top field", lambda b: b.update(jobRef={}), ['Unknown name "jobRef" at \'job\'']),
        ("unknown query field", lambda b: q(b).update(sql="x"),
         ['Unknown name "sql" at \'job.configuration.query\'']),
        ("legacy absent", lambda b: q(b).pop("useLegacySql"), ["legacy SQL"]),
        ("legacy true", lambda b: q(b).update(useLegacySql=True), ["useLegacySql is true"]),
        ("legacy string", lambda b: q(b).update(useLegacySql="false"), ["TYPE_BOOL"]),
        ("int64 number", lambda b: q(b).update(maximumBytesBilled=1000),
         ["maximum_bytes_billed", "TYPE_INT64"]),
        ("job id chars", lambda b: b["jobReference"].update(jobId="a b"), ['Invalid job ID "a b"']),
        ("job id long", lambda b: b["jobReference"].update(jobId="a" * 1025), ["Invalid job ID"]),
        ("job id absent", lambda b: b["jobReference"].pop("jobId"), ["jobId is required"]),
        ("project", lambda b: b["jobReference"].update(projectId="other"), ["not the project"]),
        ("write disposition", lambda b: q(b).update(writeDisposition="WRITE_OVER"),
         ["write_disposition", "WRITE_APPEND"]),
        ("create disposition", lambda b: q(b).update(createDisposition="CREATE"),
         ["create_disposition"]),
        ("disposition with DDL", lambda b: q(b).update(query="CREATE TABLE taxi.x AS SELECT 1 AS a",
                                                       writeDisposition="WRITE_TRUNCATE"),
         ["Cannot set write disposition"]),
        ("not implemented", lambda b: q(b).update(queryParameters=[]), ["does not carry"]),
        ("two configurations", lambda b: b["configuration"].update(load={}),
         ["exactly one job-specific"]),
        ("empty query", lambda b: q(b).update(query=" "), ["query"]),
    ]
    loads = [
        ("format absent", lambda b: ld(b).pop("sourceFormat"), ["absent is CSV"]),
        ("format csv", lambda b: ld(b).update(sourceFormat="CSV"), ["NEWLINE_DELIMITED_JSON only"]),
        ("format bad", lambda b: ld(b).update(sourceFormat="JSON"), ["source_format"]),
        ("unknown load field", lambda b: ld(b).update(format="x"), ['Unknown name "format"']),
        ("field type", lambda b: ld(b)["schema"]["fields"][0].update(type="INT"),
         ["fields[0].type"]),
        ("field mode", lambda b: ld(b)["schema"]["fields"][0].update(mode="OPTIONAL"),
         ["fields[0].mode"]),
        ("field unknown", lambda b: ld(b)["schema"]["fields"][0].update(nullable=True),
         ['Unknown name "nullable"']),
        ("field name", lambda b: ld(b)["schema"]["fields"][0].update(name="1st col"),
         ['Invalid field name "1st col"']),
        ("field twice", lambda b: ld(b)["schema"]["fields"].append({"name": "VendorID",
                                                                    "type": "STRING"}),
         ["already exists"]),
        ("no schema", lambda b: ld(b).pop("schema"), ["No schema"]),
        ("partition type", lambda b: ld(b).update(timePartitioning={
            "type": "WEEK", "field": "tpep_pickup_datetime"}),
         ["time_partitioning.type"]),
        ("partition field", lambda b: ld(b).update(timePartitioning={"type": "DAY",
                                                                     "field": "vendorid"}),
         ["TIMESTAMP, DATE or DATETIME", "INT64"]),
        ("partition expiration", lambda b: ld(b).update(timePartitioning={
            "type": "DAY", "field": "tpep_pickup_datetime", "expirationMs": 86400000}),
         ["TYPE_INT64"]),
        ("partition no field", lambda b: ld(b).update(timePartitioning={"type": "DAY"}),
         ["ingestion-time"]),
        ("cluster five", lambda b: ld(b).update(clustering={"fields": INTS[:5]}),
         ["between 1 and 4"]),
        ("cluster unknown", lambda b: ld(b).update(clustering={"fields": ["nope"]}),
         ["cannot be found in the schema"]),
        ("cluster float", lambda b: ld(b).update(clustering={"fields": ["fare_amount"]}),
         ["not supported for clustering"]),
        ("table id", lambda b: ld(b)["destinationTable"].update(tableId="a-b"), ["Invalid table"]),
        ("write disposition", lambda b: ld(b).update(writeDisposition="TRUNCATE"),
         ["write_disposition"]),
    ]
    failures = []
    for name, change, words in cases:
        try:
            shape(s, change, words)
        except AssertionError as e:
            failures.append("%s: %s" % (name, e))
    for name, change, words in loads:
        try:
            shape(s, change, words, kind="load")
        except AssertionError as e:
            failures.append("load %s: %s" % (name, e))
    # a load through the metadata URI has no data
    body = s.load_config("shape")
    try:
        refused(s.request("POST", "/bigquery/v2/projects/%s/jobs" % PROJECT, body), 400,
                "invalid", "/upload/bigquery/v2/projects/%s/jobs" % PROJECT)
        refused(s.request("POST", "/bigquery/v2/projects/%s/jobs" % PROJECT, raw=b"{not json",
                          headers={"Content-Type": "application/json"}), 400, "invalid",
                "Invalid JSON payload")
        refused(s.request("GET", "/bigquery/v2/projects/%s/jobs/x?loc=US" % PROJECT), 400,
                "invalid", 'Unknown name "loc"')
        refused(s.request("GET", "/bigquery/v2/projects/%s/queries/x?location=US&max=3" % PROJECT),
                400, "invalid", 'Unknown name "max"')
        refused(s.request("GET", "/bigquery/v2/projects/%s/job/x" % PROJECT), 404, "notFound")
        refused(s.request("PUT", "/bigquery/v2/projects/%s/jobs" % PROJECT, {}), 404, "notFound")
        refused(s.request("POST", "/bigquery/v3/projects/%s/jobs" % PROJECT, {}), 404, "notFound")
        refused(s.request("POST", "/upload/bigquery/v2/projects/%s/jobs?uploadType=media"
                          % PROJECT, raw=b"x"), 400, "invalid", "uploadType")
    except AssertionError as e:
        failures.append("routes: %s" % e)
    assert not failures, "\n".join(failures)
    # none of them ran or kept a job
    assert not any(j["id"].startswith("pipe_test_shape") for j in s.dump()["jobs"])


def t_faults(s):
    failures = []
    for status, reason, words in ((503, "backendError", "Backend Error"),
                                  (500, "backendError", "Backend Error"),
                                  (403, "rateLimitExceeded", "Exceeded rate limits"),
                                  (500, "internalError", "internal error")):
        s.control(fault={"status": status, "reason": reason, "count": 2, "path": "/jobs"})
        jid = s.job_id("fault")
        try:
            refused(s.insert("SELECT 1", jid), status, reason, words)
            refused(s.insert("SELECT 1", jid), status, reason, words)
            assert s.insert("SELECT 1", jid)[0] == 200  # nothing ran: the id is free
        except AssertionError as e:
            failures.append("%d %s: %s" % (status, reason, e))
    assert not failures, "\n".join(failures)
    # the answer lost after the job was made: the retry meets its own job
    s.control(fault={"status": 503, "count": 1, "path": "/jobs", "method": "POST", "after": True})
    jid = s.job_id("after")
    refused(s.insert("SELECT 1", jid), 503, "backendError")
    refused(s.insert("SELECT 1", jid), 409, "duplicate")
    assert s.poll(jid)["status"]["state"] == "DONE"
    # the same for a load's upload: the retried upload meets its job
    s.control(fault={"status": 503, "count": 1, "path": "/upload/", "after": True})
    meta = s.load_config("after_upload")
    refused(s.multipart(meta, ndjson(SAMPLES["2019"][:5])), 503, "backendError")
    refused(s.multipart(meta, ndjson(SAMPLES["2019"][:5])), 409, "duplicate")
    assert s.poll(meta["jobReference"]["jobId"])["statistics"]["load"]["outputRows"] == "5"
    # the token endpoint only when named
    s.control(fault={"status": 503, "count": 1})
    s.get_token()
    refused(s.insert("SELECT 1"), 503, "backendError")
    s.control(fault={"status": 503, "count": 1, "path": "/token"})
    assert s.token_request()[0] == 503
    s.get_token()
    # a refused POST's body does not spill into the next request on the connection
    s.control(fault={"status": 503, "count": 1, "path": "/jobs"})
    conn = http.client.HTTPConnection(s.url.split("//")[1])
    body = json.dumps({"jobReference": {"jobId": s.job_id("keepalive")},
                       "configuration": {"query": {"query": "SELECT 1", "useLegacySql": False}}})
    hdrs = {"Authorization": "Bearer " + s.token, "Content-Type": "application/json"}
    for want in (503, 200):
        conn.request("POST", "/bigquery/v2/projects/%s/jobs" % PROJECT, body, hdrs)
        r = conn.getresponse()
        r.read()
        assert r.status == want, (r.status, want)
        body = body.replace("keepalive", "keepalive_again")
    conn.close()
    # a fault on the polls only
    s.control(fault={"status": 503, "count": 1, "path": "/queries/"})
    job = s.query("SELECT 2 AS two")
    refused(s.results(job["jobReference"]["jobId"]), 503, "backendError")
    assert s.results(job["jobReference"]["jobId"])[0] == 200


def t_running(s):
    s.control(running_polls=2)
    try:
        jid = s.job_id("slow")
        code, job, _ = s.insert("SELECT 1 AS one", jid)
        assert job["status"]["state"] == "PENDING", job
        code, job, _ = s.request("GET", "/bigquery/v2/projects/%s/jobs/%s?location=US"
                                 % (PROJECT, jid))
        assert job["status"]["state"] == "RUNNING" and "endTime" not in job["statistics"], job
        code, res = s.results(jid)
        assert res["jobComplete"] is False and "rows" not in res and "totalRows" not in res, res
        code, res = s.results(jid)
        assert res["jobComplete"] is True and res["rows"] == [{"f": [{"v": "1"}]}], res
    finally:
        s.control(reset=True)


def t_expired_token(s):
    s.control(expire_tokens=True)
    refused(s.insert("SELECT 1"), 401, "authError")
    s.get_token()
    assert s.insert("SELECT 1")[0] == 200


def t_fail_job(s):
    s.control(fail_job={"reason": "invalidQuery", "location": "query",
                        "message": "Unrecognized name: VendorIDD at [1:8]"})
    job = s.query("SELECT 1")
    e = job["status"]["errorResult"]
    assert e == {"reason": "invalidQuery", "location": "query",
                 "message": "Unrecognized name: VendorIDD at [1:8]"}, e
    assert job["status"]["errors"] == [e]
    refused(s.results(job["jobReference"]["jobId"]), 400, "invalidQuery", "VendorIDD")
    assert "errorResult" not in s.query("SELECT 1")["status"]  # the next one runs


def t_skew(s):
    sql = "SELECT trip_distance FROM taxi.trips"
    plain = s.query(sql, useQueryCache=False)
    s.control(skew_bytes=1000)
    try:
        skewed = s.query(sql, useQueryCache=False)
        code, dry, _ = s.insert(sql, dry=True)
    finally:
        s.control(reset=True)
    assert tps(skewed) == tps(plain) + 1000, (tps(skewed), tps(plain))
    assert int(skewed["statistics"]["query"]["totalBytesBilled"]) == \
        int(plain["statistics"]["query"]["totalBytesBilled"]) + 1000
    assert int(dry["statistics"]["totalBytesProcessed"]) == tps(plain) + 1000


def t_page_size(s):
    s.control(page_size=4)
    try:
        job = s.query("SELECT vendorid FROM taxi.trips LIMIT 10")
        rows, pages, _ = s.all_rows(job["jobReference"]["jobId"])
    finally:
        s.control(reset=True)
    assert len(rows) == 10 and pages == 3, pages


def t_log(s):
    lines = s.log_lines()
    assert lines, "no log"
    for ln in lines:
        assert re.fullmatch(r"(GET|POST|PUT|DELETE) /\S* (\d{3}|drop) \S+", ln), ln
        assert "ya29" not in ln
    assert any(re.fullmatch(r"POST /bigquery/v2/projects/%s/jobs 409 pipe_dup_1" % PROJECT, ln)
               for ln in lines), lines
    assert any(ln.startswith("POST /token 200") for ln in lines)
    assert not any("_control" in ln or "_dump" in ln for ln in lines)
    before = len(s.log_lines())
    s.query("SELECT 1")  # one insert, one poll
    assert len(s.log_lines()) == before + 2
    d = s.dump()
    assert "trips" in d["tables"] and "taxi" in d["datasets"], d
    assert any(j["id"] == "pipe_dup_1" and j["type"] == "QUERY" for j in d["jobs"])


CHECKS = [t_token, t_auth, t_load_multipart, t_load_resumable, t_query_results, t_paging,
          t_bytes, t_cache, t_duplicate, t_query_errors, t_location, t_load_errors, t_merge, t_merge_null_keys, t_alter, t_merge_condition,
          t_seed_sql, t_tables, t_shapes, t_faults, t_running, t_expired_token, t_fail_job, t_skew,
          t_page_size, t_log]


def main():
    only = sys.argv[1:]
    tmp = tempfile.mkdtemp(prefix="bqserver-test-")
    s = Server(tmp)
    failed = 0
    try:
        for check in CHECKS:
            name = "bigquery/" + check.__name__[2:]
            # the token and the loaded tables are what the others need
            if only and not any(o in name for o in only) and \
                    check not in (t_token, t_load_multipart, t_load_resumable):
                continue
            try:
                check(s)
                print("ok %s" % name)
            except Exception as e:
                failed += 1
                detail = str(e) if isinstance(e, AssertionError) and str(e) else \
                    traceback.format_exc()
                print("not ok %s: %s" % (name, detail.strip().splitlines()[-1][:300]))
                print("  " + detail.replace("\n", "\n  "))
            sys.stdout.flush()
    finally:
        s.stop()
        if not failed:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print("  (server's directory and stderr kept in %s)" % tmp)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
