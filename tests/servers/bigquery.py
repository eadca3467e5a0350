#!/usr/bin/env python3
"""BigQuery v2's REST API on 127.0.0.1 for the tests (standard library, plus
the openssl command line through token_server.py): it checks every request as
BigQuery does and answers as BigQuery does, with pipe's own local warehouse
doing the work.

  bigquery.py --port-file FILE --pipe PATH --pubkey PEM --email ADDRESS
              [--dir DIR] [--log FILE] [--page-size N] [--dataset NAME]...
              [--block-rows N] [--lifetime SECONDS]

--pipe: the pipe binary.  --dir: where the server keeps its warehouse (a
pipe project, DIR/warehouse, whose tables are the server's tables) and its
loads' scratch projects (default: a new temporary directory, removed when
the server ends, by SIGTERM or --lifetime).  --pubkey,
--email: the service account whose JWTs /token takes (as token_server.py).
--dataset: a dataset that exists from the start (repeatable); others are
made with datasets.insert.  --page-size: the rows of a getQueryResults page
when the request names no maxResults (default 10, so that tests page).
--block-rows: the rows of a block in the tables loads and MERGE make (the
local warehouse's block_rows option; default its own, 2,048), so that
small test tables have blocks for clustering to skip.

Routes (P a project, D a dataset, T a table, ID a job id):
  POST /token                                     token_server.py's checks; the
        reply's access_token is what the routes below take as
        "Authorization: Bearer TOKEN" (else 401), for an hour
  POST /bigquery/v2/projects/P/jobs               jobs.insert: query jobs
        (and dry runs); load jobs need the upload URI, for their data
  POST /upload/bigquery/v2/projects/P/jobs?uploadType=multipart|resumable
        jobs.insert with data: a load job of NEWLINE_DELIMITED_JSON, through
        upload.py (its &fail=, &drop=, &save= work here too); the
        resumable session's PUTs need no token, as Google's do not
  GET  /bigquery/v2/projects/P/jobs/ID?location=L  jobs.get
  POST /bigquery/v2/projects/P/jobs/ID/cancel?location=L  jobs.cancel: a job
        held RUNNING (running_polls) ends DONE with errorResult stopped
  GET  /bigquery/v2/projects/P/queries/ID?location=&pageToken=&maxResults=
        &startIndex=&timeoutMs=&formatOptions.useInt64Timestamp=
                                                  jobs.getQueryResults
  GET|DELETE /bigquery/v2/projects/P/datasets/D/tables[/T]
                                                  tables.list, get, delete
  GET  /bigquery/v2/projects/P/datasets[/D], POST /bigquery/v2/projects/P/datasets
                                                  datasets.list, get, insert
Anything else is 404; a body or query parameter BigQuery would refuse is
400, with BigQuery's error object:
  {"error": {"code": 400, "message": M, "errors": [{"message": M, "domain":
   "global", "reason": "invalid", "location": ...}], "status": "INVALID_ARGUMENT"}}
What is checked is written beside each check below, with the reference page
it follows.  A statement that writes a table must name its dataset (no
defaultDataset is taken), and the dataset must exist; a table named with a
project (P.D.T) must be in the job's project, the only one the server
holds.  Three checks are pipe's rules rather than BigQuery's, refused as if
BigQuery did: a job must have a jobId (pipe derives them from target keys),
a query job must send useLegacySql false (its absence is legacy SQL), and
int64 fields (maximumBytesBilled ...) must be JSON strings as the reference
writes them (BigQuery also takes numbers).  A field BigQuery knows but this
server does not carry out (copy jobs, query parameters, CSV ...) is
refused, saying so, rather than ignored.

Jobs: jobs.insert runs the job at once (one job at a time) and answers the
job resource with status.state RUNNING (PENDING when running_polls, below,
holds it); jobs.get then answers DONE (with status.errorResult and errors
when it failed), and getQueryResults jobComplete true.  A second
jobs.insert with a job id the project has is 409 duplicate ("Already
Exists: Job P:LOCATION.ID") and runs nothing.  A
query job is `pipe query --json` in DIR/warehouse with PIPE_WAREHOUSE=local;
its statistics (totalBytesProcessed, totalBytesBilled, the dry run's
totalBytesProcessed) are what the local warehouse reports (docs/bytes.md).
BigQuery's query cache is kept: the same SELECT text again, with no table
written since and useQueryCache not false, is cacheHit with 0 bytes.  A
load job writes its NDJSON (keys checked against the job's schema) with a
generated one-target DAG file into a scratch pipe project, `pipe build`s
it, then copies the table into the warehouse with CREATE TABLE ... AS
SELECT (the job's partitioning and clustering, no lineage columns) or
INSERT (WRITE_APPEND).  The warehouse names a table by its last part, so
two datasets cannot both hold a table T: a job that would make the second
one fails, saying so.

The one emulation: the local warehouse has no MERGE.  The server carries out
this shape only, the one pipe's merge sends (names may be in backticks,
aliases optional, any number of key equalities joined by AND, each
t.k = s.k, where a NULL key matches nothing, or (t.k = s.k OR (t.k IS NULL
AND s.k IS NULL)), where a NULL key matches a NULL key):
  MERGE [INTO] target [[AS] t] USING source|(subquery) [[AS] s] ON t.k1 = s.k1 [AND ...]
  WHEN MATCHED [AND condition] THEN UPDATE SET c = s.c [, ...]
  WHEN NOT MATCHED THEN INSERT ROW | INSERT (c, ...) VALUES (s.c, ...)
as one CREATE OR REPLACE TABLE target (its partitioning and clustering)
AS the target's unmatched rows UNION ALL the matched rows updated (where the
condition is true; as they were where it is not) UNION ALL the source's
unmatched rows (a subquery is made a table first, TARGET__bq_merge_source); a target row that two source rows match fails
the job as BigQuery's MERGE does.  Its bytes are that statement's.  Any
other MERGE fails with invalidQuery.

Control (no token; never logged):
  POST /_control  a JSON object of any of:
    "fault": {"status": 503, "reason": "backendError", "count": N,
              "path": SUBSTRING, "method": M, "message": TEXT, "after": true}
        the next N requests (those whose path contains SUBSTRING and whose
        method is M, when given; /token only when a path names it) answer
        that error; reasons and their
        usual statuses: backendError 500|503, internalError 500,
        rateLimitExceeded 403 (BigQuery's error-messages page).  With
        "after", the request is carried out first and its answer lost (so a
        retried jobs.insert meets its own job: 409).  Repeatable: a list.
    "running_polls": N   jobs inserted from now on answer RUNNING (and
        jobComplete false) to their first N polls (jobs.get or
        getQueryResults)
    "fail_job": {"reason": R, "location": L, "message": M, "count": N}
        the next N jobs inserted fail with that errorResult, running nothing
    "skew_bytes": N      add N to every totalBytesProcessed and
        totalBytesBilled reported from now on (dry runs included)
    "page_size": N       as --page-size
    "cache": false       no query cache
    "expire_tokens": true  every token issued so far stops working (401),
        as one past its hour does
    "expire_tokens_after": N  the same, when the Nth API request from now
        (1: the next) arrives: a token that expires in the middle of a run
    "reset": true        all of the above back to their defaults, first
  answered with the settings in force.
  GET /_dump      what the server holds: jobs (id, type, state, SQL, error,
                  bytes), tables, datasets, the count of requests by route,
                  the settings.
--log FILE: one line per request (control excepted):
  METHOD PATH STATUS JOBID      (PATH without its query; JOBID "-" if none;
                                 STATUS "drop" for a connection closed
                                 unanswered); never a token.
"""
import argparse
import copy
import datetime
import decimal
import io
import json
import math
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import http.server
import os
import sys
from urllib.parse import parse_qs, urlsplit

import token_server as tokensrv  # its JWT checks, beside this file
import upload  # BigQuery's upload endpoint, beside this file
import serving  # the HTTP server's start and lifetime, beside this file

lock = threading.RLock()  # one request at a time touches the state or the warehouse

# -- errors ------------------------------------------------------------------
# https://cloud.google.com/bigquery/docs/error-messages: the error object
# (code, message, errors[] of ErrorProto {reason, location, message}, status)
# and which HTTP code goes with each reason.
STATUS = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED",
          404: "NOT_FOUND", 409: "ALREADY_EXISTS", 500: "INTERNAL", 503: "UNAVAILABLE"}
REASON_CODE = {"invalid": 400, "invalidQuery": 400, "bytesBilledLimitExceeded": 400,
               "notFound": 404, "duplicate": 409, "backendError": 503,
               "internalError": 500, "rateLimitExceeded": 403, "quotaExceeded": 403,
               "accessDenied": 403, "authError": 401, "required": 401}
DEFAULT_MESSAGE = {
    "backendError": "Backend Error",
    "internalError": "An internal error occurred and the request could not be completed.",
    "rateLimitExceeded": "Exceeded rate limits: too many api requests per user per method "
                         "for this user_method. For more information, see "
                         "https://cloud.google.com/bigquery/docs/troubleshoot-quotas",
}


class Refusal(Exception):
    """An error answer: BigQuery's error object."""

    def __init__(self, code, reason, message, location=None, location_type=None):
        super().__init__(message)
        self.code, self.reason, self.message = code, reason, message
        self.location, self.location_type = location, location_type

    def proto(self):
        e = {"message": self.message, "domain": "global", "reason": self.reason}
        if self.location:
            e["location"] = self.location
            e["locationType"] = self.location_type or "other"
        return e

    def body(self):
        return {"error": {"code": self.code, "message": self.message, "errors": [self.proto()],
                          "status": STATUS.get(self.code, "UNKNOWN")}}


def invalid(message, location=None):
    return Refusal(400, "invalid", message, location, "parameter" if location else None)


class JobFailure(Exception):
    """A job that ran and failed: its status.errorResult (and the errors
    after it in status.errors)."""

    def __init__(self, reason, message, location=None, more=()):
        super().__init__(message)
        self.error = {"reason": reason, "message": message}
        if location:
            self.error["location"] = location
        self.more = list(more)


# -- request shapes ----------------------------------------------------------
# Each object below lists its fields as BigQuery's REST reference does; a
# field not listed is refused as Google's JSON parser refuses it
# ("Invalid JSON payload received. Unknown name ..."; the reference's
# "Errors" section of https://cloud.google.com/apis/design/errors).
# A spec is a dict (an object), a one-item list (an array of it), a frozenset
# (an enum), or one of these kinds:
STR, BOOL, INT32, INT64, MAP, OUTPUT, NI = ("string", "bool", "int32", "int64", "map",
                                            "output only", "not implemented")

# https://cloud.google.com/bigquery/docs/reference/rest/v2/TableReference
TABLE_REF = {"projectId": STR, "datasetId": STR, "tableId": STR}
# https://cloud.google.com/bigquery/docs/reference/rest/v2/datasets#DatasetReference
DATASET_REF = {"projectId": STR, "datasetId": STR}
# https://cloud.google.com/bigquery/docs/reference/rest/v2/tables#TableFieldSchema
FIELD_TYPES = frozenset("STRING BYTES INTEGER INT64 FLOAT FLOAT64 NUMERIC BIGNUMERIC BOOLEAN "
                        "BOOL TIMESTAMP DATE TIME DATETIME INTERVAL RANGE GEOGRAPHY JSON "
                        "RECORD STRUCT".split())
FIELD = {"name": STR, "type": FIELD_TYPES, "mode": frozenset(["NULLABLE", "REQUIRED", "REPEATED"]),
         "description": STR, "fields": NI, "maxLength": INT64, "precision": INT64,
         "scale": INT64, "policyTags": NI, "dataPolicies": NI, "defaultValueExpression": NI,
         "collation": NI, "roundingMode": NI, "rangeElementType": NI,
         "foreignTypeDefinition": NI, "timestampPrecision": NI}
SCHEMA = {"fields": [FIELD], "foreignTypeInfo": NI}
# https://cloud.google.com/bigquery/docs/reference/rest/v2/tables#TimePartitioning
TIME_PARTITIONING = {"type": frozenset(["DAY", "HOUR", "MONTH", "YEAR"]), "field": STR,
                     "expirationMs": INT64, "requirePartitionFilter": BOOL}
# https://cloud.google.com/bigquery/docs/reference/rest/v2/tables#Clustering
CLUSTERING = {"fields": [STR]}
# https://cloud.google.com/bigquery/docs/reference/rest/v2/Job#JobConfigurationQuery
# (createDisposition, writeDisposition: the values listed there)
CREATE_DISPOSITION = frozenset(["CREATE_IF_NEEDED", "CREATE_NEVER"])
WRITE_DISPOSITION = frozenset(["WRITE_TRUNCATE", "WRITE_APPEND", "WRITE_EMPTY",
                               "WRITE_TRUNCATE_DATA"])
QUERY = {"query": STR, "useLegacySql": BOOL, "maximumBytesBilled": INT64,
         "useQueryCache": BOOL, "priority": frozenset(["INTERACTIVE", "BATCH"]),
         "defaultDataset": NI, "destinationTable": NI, "createDisposition": CREATE_DISPOSITION,
         "writeDisposition": WRITE_DISPOSITION, "timePartitioning": NI, "rangePartitioning": NI,
         "clustering": NI, "queryParameters": NI, "parameterMode": NI,
         "allowLargeResults": BOOL, "flattenResults": BOOL, "preserveNulls": BOOL,
         "maximumBillingTier": INT32, "schemaUpdateOptions": NI,
         "userDefinedFunctionResources": NI, "tableDefinitions": NI,
         "destinationEncryptionConfiguration": NI, "connectionProperties": NI,
         "createSession": NI, "continuous": NI, "scriptOptions": NI, "systemVariables": OUTPUT,
         "writeIncrementalResults": NI}
# https://cloud.google.com/bigquery/docs/reference/rest/v2/Job#JobConfigurationLoad
SOURCE_FORMATS = frozenset(["CSV", "NEWLINE_DELIMITED_JSON", "AVRO", "PARQUET", "ORC",
                            "DATASTORE_BACKUP", "ICEBERG"])
LOAD = {"destinationTable": TABLE_REF, "sourceFormat": SOURCE_FORMATS, "schema": SCHEMA,
        "createDisposition": CREATE_DISPOSITION, "writeDisposition": WRITE_DISPOSITION,
        "timePartitioning": TIME_PARTITIONING, "clustering": CLUSTERING, "autodetect": BOOL,
        "ignoreUnknownValues": BOOL, "maxBadRecords": INT32,
        "encoding": frozenset(["UTF-8", "ISO-8859-1", "UTF-16BE", "UTF-16LE", "UTF-32BE",
                               "UTF-32LE"]),
        "sourceUris": NI, "schemaUpdateOptions": NI, "rangePartitioning": NI,
        "fieldDelimiter": NI, "skipLeadingRows": NI, "quote": NI, "allowQuotedNewlines": NI,
        "allowJaggedRows": NI, "nullMarker": NI, "nullMarkers": NI, "jsonExtension": NI,
        "decimalTargetTypes": NI, "destinationTableProperties": NI,
        "hivePartitioningOptions": NI, "useAvroLogicalTypes": NI, "projectionFields": NI,
        "referenceFileSchemaUri": NI, "parquetOptions": NI,
        "preserveAsciiControlCharacters": NI, "timeZone": NI, "dateFormat": NI,
        "datetimeFormat": NI, "timeFormat": NI, "timestampFormat": NI,
        "destinationEncryptionConfiguration": NI, "connectionProperties": NI,
        "createSession": NI, "fileSetSpecType": NI, "columnNameCharacterMap": NI,
        "copyFilesOnly": NI, "sourceColumnMatch": NI, "schemaInline": NI,
        "schemaInlineFormat": NI}
# https://cloud.google.com/bigquery/docs/reference/rest/v2/Job#JobConfiguration
CONFIGURATION = {"query": QUERY, "load": LOAD, "copy": NI, "extract": NI, "dryRun": BOOL,
                 "jobTimeoutMs": INT64, "labels": MAP, "jobType": STR, "reservation": NI,
                 "maxSlots": NI}
# https://cloud.google.com/bigquery/docs/reference/rest/v2/JobReference
JOB_REF = {"projectId": STR, "jobId": STR, "location": STR}
# https://cloud.google.com/bigquery/docs/reference/rest/v2/Job: the output
# only members are ignored in a request, as BigQuery ignores them
JOB = {"kind": OUTPUT, "etag": OUTPUT, "id": OUTPUT, "selfLink": OUTPUT, "user_email": OUTPUT,
       "principal_subject": OUTPUT, "jobCreationReason": OUTPUT, "status": OUTPUT,
       "statistics": OUTPUT, "jobReference": JOB_REF, "configuration": CONFIGURATION}
# https://cloud.google.com/bigquery/docs/reference/rest/v2/datasets#Dataset
DATASET = {"kind": OUTPUT, "etag": OUTPUT, "id": OUTPUT, "selfLink": OUTPUT,
           "datasetReference": DATASET_REF, "location": STR, "friendlyName": STR,
           "description": STR, "labels": MAP, "defaultTableExpirationMs": INT64,
           "defaultPartitionExpirationMs": INT64, "access": NI}


def snake(name):
    return re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), name)


def check_shape(value, spec, where):
    """Refuses value unless it has spec's shape; where: Google's path to it
    ("job.configuration.query"), field names in snake case as Google writes
    them in these messages."""
    if isinstance(spec, dict):
        if not isinstance(value, dict):
            raise invalid("Invalid JSON payload received. Expected an object at '%s'." % where,
                          where)
        for k, v in value.items():
            if k not in spec:
                raise invalid("Invalid JSON payload received. Unknown name \"%s\" at '%s': "
                              "Cannot find field." % (k, where), where)
            check_shape(v, spec[k], "%s.%s" % (where, snake(k)))
    elif isinstance(spec, list):
        if not isinstance(value, list):
            raise invalid("Invalid value at '%s': expected a list" % where, where)
        for i, v in enumerate(value):
            check_shape(v, spec[0], "%s[%d]" % (where, i))
    elif isinstance(spec, frozenset):
        if value not in spec:
            raise invalid("Invalid value at '%s' (TYPE_ENUM), %s: one of %s"
                          % (where, json.dumps(value), ", ".join(sorted(spec))), where)
    elif spec == NI:
        raise invalid("%s: the test server (tests/servers/bigquery.py) does not carry this "
                      "field out; BigQuery takes it, pipe does not send it" % where, where)
    elif spec == STR and not isinstance(value, str):
        raise invalid("Invalid value at '%s' (TYPE_STRING), %s" % (where, json.dumps(value)), where)
    elif spec == BOOL and not isinstance(value, bool):
        raise invalid("Invalid value at '%s' (TYPE_BOOL), %s" % (where, json.dumps(value)), where)
    elif spec == INT32 and (isinstance(value, bool) or not isinstance(value, int)):
        raise invalid("Invalid value at '%s' (TYPE_INT32), %s" % (where, json.dumps(value)), where)
    elif spec == INT64 and not (isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,19}", value)):
        # https://cloud.google.com/bigquery/docs/reference/rest/v2/Job: int64
        # members are "string (int64 format)"
        raise invalid("Invalid value at '%s' (TYPE_INT64), %s: an int64 is a JSON string of "
                      "decimal digits in BigQuery's REST reference" % (where, json.dumps(value)),
                      where)
    elif spec == MAP and not (isinstance(value, dict)
                              and all(isinstance(v, str) for v in value.values())):
        raise invalid("Invalid value at '%s': a map of strings" % where, where)


# https://cloud.google.com/bigquery/docs/reference/rest/v2/JobReference: "The
# ID must contain only letters (a-z, A-Z), numbers (0-9), underscores (_), or
# dashes (-). The maximum length is 1,024 characters."
JOB_ID = re.compile(r"[A-Za-z0-9_-]{1,1024}")
# https://cloud.google.com/bigquery/docs/datasets#dataset-naming: letters,
# numbers, underscores, at most 1,024 characters
DATASET_ID = re.compile(r"[A-Za-z0-9_]{1,1024}")
# https://cloud.google.com/bigquery/docs/tables#table_naming (the classic
# names; the local warehouse's SQL names take no more)
TABLE_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,1023}")
# https://cloud.google.com/bigquery/docs/schemas#column_names
COLUMN = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,299}")
# Google's system parameters, taken by every method
# (https://cloud.google.com/apis/docs/system-parameters)
SYSTEM_PARAMS = {"alt", "fields", "prettyPrint", "quotaUser", "key", "$.xgafv", "callback",
                 "access_token", "upload_protocol", "uploadType"}

# the local warehouse's types for a load schema's, and BigQuery's legacy
# names that the REST API answers with (TableFieldSchema.type)
LOCAL_TYPE = {"STRING": "STRING", "INTEGER": "INT64", "INT64": "INT64", "FLOAT": "FLOAT64",
              "FLOAT64": "FLOAT64", "NUMERIC": "NUMERIC", "BOOLEAN": "BOOL", "BOOL": "BOOL",
              "TIMESTAMP": "TIMESTAMP", "DATE": "DATE", "DATETIME": "DATETIME", "JSON": "JSON"}
REST_TYPE = {"INT64": "INTEGER", "FLOAT64": "FLOAT", "BOOL": "BOOLEAN"}


def check_params(q, allowed):
    for k in q:
        if k not in allowed and k not in SYSTEM_PARAMS:
            # Google's words for an unknown query parameter
            raise invalid("Invalid JSON payload received. Unknown name \"%s\": Cannot bind query "
                          "parameter. Field '%s' could not be found in request message." % (k, k))


# -- values as BigQuery's JSON writes them -----------------------------------

def java_double(x):
    """A FLOAT64 as BigQuery's tabledata JSON writes it (Java's
    Double.toString: 1.5, 100.0, 1.0E20, 1.5463008E9)."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "-0.0" if math.copysign(1, x) < 0 else "0.0"
    _, digits, exp = decimal.Decimal(repr(abs(x))).as_tuple()
    point = len(digits) + exp
    ds = "".join(map(str, digits)).rstrip("0") or "0"
    e = point - 1
    if -3 <= e < 7:
        if point <= 0:
            s = "0." + "0" * -point + ds
        elif point >= len(ds):
            s = ds + "0" * (point - len(ds)) + ".0"
        else:
            s = ds[:point] + "." + ds[point:]
    else:
        s = ds[0] + "." + (ds[1:] or "0") + "E" + str(e)
    return ("-" if x < 0 else "") + s


def timestamp_micros(text):
    """'2019-01-01 10:00:00[.ffffff] UTC' (pipe query --json) in microseconds."""
    m = re.fullmatch(r"(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(\.\d{1,6})?(?: UTC|Z|\+00(?::?00)?)?",
                     text)
    if not m:
        raise ValueError("not a timestamp: %r" % text)
    dt = datetime.datetime.strptime(m.group(1) + " " + m.group(2), "%Y-%m-%d %H:%M:%S")
    frac = int((m.group(3) or ".0")[1:].ljust(6, "0"))
    epoch = dt.replace(tzinfo=datetime.timezone.utc).timestamp()
    return int(epoch) * 1000000 + frac


def cell(value, typ, int64_timestamps):
    """A value of pipe query --json as BigQuery's getQueryResults has it: a
    string, or null (https://cloud.google.com/bigquery/docs/reference/rest/v2/jobs/getQueryResults:
    rows of {"f": [{"v": ...}]}; TIMESTAMP as seconds since the epoch in
    floating point, or microseconds with formatOptions.useInt64Timestamp)."""
    if value is None:
        return None
    if typ == "BOOL":
        return "true" if value else "false"
    if typ == "FLOAT64":
        return java_double(float(value))
    if typ == "TIMESTAMP":
        us = timestamp_micros(value)
        return str(us) if int64_timestamps else java_double(us / 1e6)
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def rest_schema(cols):
    return {"fields": [{"name": c["name"], "type": REST_TYPE.get(c["type"], c["type"]),
                        "mode": "NULLABLE"} for c in cols]}


# -- the server's state ------------------------------------------------------

DEFAULTS = {"running_polls": 0, "skew_bytes": 0, "page_size": 10, "cache": True}


class State:
    def __init__(self, args):
        self.pipe = os.path.abspath(args.pipe)
        self.dir = os.path.abspath(args.dir) if args.dir else tempfile.mkdtemp(prefix="bqserver-")
        self.warehouse = os.path.join(self.dir, "warehouse")
        self.log = args.log and os.path.abspath(args.log)
        self.email = args.email
        self.tokens = {}  # token -> expiry (time.time())
        self.jobs = {}  # (project, job id) -> job dict
        self.datasets = {(None, d) for d in args.dataset}  # project None: every project
        self.cache = {}  # SELECT text -> (generation, key of the job that answered it)
        self.generation = 0  # bumped by every table write: the cache's validity
        self.faults = []
        self.fail_jobs = []
        self.routes = {}
        self.loads = 0
        self.session_projects = {}  # job id -> project of a resumable upload
        self.expire_after = None  # requests until every token expires (expire_tokens_after)
        self.settings = dict(DEFAULTS, page_size=args.page_size)
        self.default_page_size = args.page_size
        self.block_rows = args.block_rows
        os.makedirs(self.warehouse, exist_ok=True)
        self.run_pipe(["init"], self.warehouse)

    def run_pipe(self, argv, cwd, check=True, stdin=None):
        env = dict(os.environ, PIPE_WAREHOUSE="local", TZ="UTC", LC_ALL="C")
        for k in ("PIPE_PROFILE", "GOOGLE_APPLICATION_CREDENTIALS", "BIGQUERY_ENDPOINT"):
            env.pop(k, None)
        p = subprocess.run([self.pipe] + argv, cwd=cwd, env=env, capture_output=True,
                           text=True, errors="replace", input=stdin or "")
        if check and p.returncode != 0:
            raise RuntimeError("pipe %s: %s" % (argv[0], p.stderr.strip()))
        return p

    def has_dataset(self, project, dataset):
        return (None, dataset) in self.datasets or (project, dataset) in self.datasets


# -- running SQL on the local warehouse --------------------------------------

def pipe_error(stderr):
    """pipe's message ('pipe: Not found: Table d.t at [1:15]' and the
    statement under it) as BigQuery's errorResult: the same words, which
    the local warehouse takes from BigQuery."""
    first = stderr.strip().splitlines()[0] if stderr.strip() else "pipe failed"
    msg = first[len("pipe: "):] if first.startswith("pipe: ") else first
    if msg.startswith("Not found:"):
        return JobFailure("notFound", msg)
    if msg.startswith("Query exceeded limit for bytes billed"):
        return JobFailure("bytesBilledLimitExceeded", msg)
    if msg.startswith("Already Exists:"):
        return JobFailure("duplicate", msg)
    return JobFailure("invalidQuery", msg, "query")


def run_sql(state, sql, dry_run=False, max_billed=None):
    argv = ["query", "--json"]
    if dry_run:
        argv.append("--dry-run")
    if max_billed:
        argv += ["--max-bytes-billed", str(max_billed)]
    # on standard input: a statement may start with "--", a comment, not an option
    p = state.run_pipe(argv + ["-"], state.warehouse, check=False, stdin=sql)
    if p.returncode != 0:
        raise pipe_error(p.stderr)
    return json.loads(p.stdout)


def table_info(state, dataset, table):
    """The columns, partitioning, clustering and rows of dataset.table, from
    `pipe schema`; None when there is no such table."""
    p = state.run_pipe(["schema", "%s.%s" % (dataset, table)], state.warehouse, check=False)
    if p.returncode != 0:
        return None
    info = {"columns": [], "partition": None, "cluster": [], "rows": 0}
    for line in p.stdout.splitlines():
        m = re.fullmatch(r"(\w+)\s+([A-Z0-9]+)", line)
        if line.startswith("partitioned by "):
            info["partition"] = line[len("partitioned by "):]
        elif line.startswith("clustered by "):
            info["cluster"] = [c.strip() for c in line[len("clustered by "):].split(",")]
        elif re.match(r"\d+ rows?\b", line):
            info["rows"] = int(line.split()[0])
        elif m:
            info["columns"].append({"name": m.group(1), "type": m.group(2)})
    return info


def ddl_layout(state, partition, cluster):
    """PARTITION BY, CLUSTER BY and the server's block size, for a CREATE."""
    s = ""
    if partition:
        s += " PARTITION BY " + partition
    if cluster:
        s += " CLUSTER BY " + ", ".join(cluster)
    if state.block_rows:
        s += " OPTIONS (block_rows = %d)" % state.block_rows
    return s


NAME = r"`?([A-Za-z0-9_.-]+)`?"
ALIAS = r"(?:\s+(?:AS\s+)?(?!USING\b|ON\b|WHEN\b)([A-Za-z_]\w*))?"
MERGE_SHAPE = re.compile(
    r"\s*MERGE\s+(?:INTO\s+)?" + NAME + ALIAS + r"\s+USING\s+(?:" + NAME + r"|\((.+)\))" + ALIAS +
    r"\s+ON\s+(.+?)\s+WHEN\s+MATCHED(?:\s+AND\s+(.+?))?\s+THEN\s+UPDATE\s+SET\s+(.+?)\s+"
    r"WHEN\s+NOT\s+MATCHED(?:\s+BY\s+TARGET)?\s+THEN\s+INSERT\s+(?:ROW|\(([^()]+)\)\s*VALUES\s*\(([^()]+)\))"
    r"\s*;?\s*", re.I | re.S)


def split_name(name):
    parts = name.split(".")
    return parts[-2] if len(parts) >= 2 else None, parts[-1]


def run_merge(state, sql):
    """The one emulation (see the docstring): MERGE as one CREATE OR
    REPLACE TABLE of the three sets of rows."""
    m = MERGE_SHAPE.fullmatch(sql)
    if not m:
        raise JobFailure("invalidQuery", "the test server carries out MERGE only as "
                         "MERGE target USING source ON t.k = s.k [AND ...] WHEN MATCHED THEN "
                         "UPDATE SET c = s.c, ... WHEN NOT MATCHED THEN INSERT ROW "
                         "(tests/servers/bigquery.py)", "query")
    target, talias, source, subquery, salias, on, cond, sets, icols, ivals = m.groups()
    qtarget = "`%s`" % target
    qsource = "`%s`" % source if source else "(%s)" % subquery
    talias = talias or split_name(target)[1]
    if not salias and not source:
        raise JobFailure("invalidQuery", "MERGE: a subquery in USING needs an alias", "query")
    salias = salias or split_name(source)[1]
    if cond:
        # the condition as the statement below names the two sides: t and s
        cond = re.sub(r"(?<![\w`.])`?%s`?\." % re.escape(talias), "t.", cond, flags=re.I)
        cond = re.sub(r"(?<![\w`.])`?%s`?\." % re.escape(salias), "s.", cond, flags=re.I)
    keys = []
    for eq in and_terms(on):
        # t.k = s.k, or (t.k = s.k OR (t.k IS NULL AND s.k IS NULL)): NULL keys equal
        side = r"(?:`?\w+`?\.)*`?(\w+)`?\.`?(\w+)`?"  # [project.dataset.]alias.column
        e = re.fullmatch(side + r"\s*=\s*" + side, eq)
        nulls = None
        if not e:
            n = re.fullmatch(r"\(\s*(.+?)\s+OR\s+\(\s*(.+?)\s+IS\s+NULL\s+AND\s+(.+?)\s+IS\s+NULL\s*\)\s*\)",
                             eq, re.I)
            e = n and re.fullmatch(side + r"\s*=\s*" + side, n.group(1))
            nulls = n and [re.fullmatch(side, x) for x in n.group(2, 3)]
            if not e or not all(nulls) or sorted((x.group(1).lower(), x.group(2).lower()) for x in nulls) != \
                    sorted(((e.group(1).lower(), e.group(2).lower()), (e.group(3).lower(), e.group(4).lower()))):
                e = None
        if not e or {e.group(1).lower(), e.group(3).lower()} != {talias.lower(), salias.lower()}:
            raise JobFailure("invalidQuery", "MERGE: ON must be t.k = s.k, or (t.k = s.k OR (t.k IS NULL "
                             "AND s.k IS NULL)), [AND ...] for the test server: %s" % eq, "query")
        tk, sk = (e.group(2), e.group(4)) if e.group(1).lower() == talias.lower() \
            else (e.group(4), e.group(2))
        keys.append((tk, sk, nulls is not None))
    updates = {}
    for item in sets.split(","):
        u = re.fullmatch(r"\s*(?:`?\w+`?\.)*`?(\w+)`?\s*=\s*(?:`?\w+`?\.)*`?(\w+)`?\.`?(\w+)`?\s*",
                         item)
        if not u or u.group(2).lower() != salias.lower():
            raise JobFailure("invalidQuery", "MERGE: UPDATE SET takes c = s.c for the test "
                             "server: %s" % item.strip(), "query")
        updates[u.group(1).lower()] = u.group(3)
    inserts = None  # INSERT ROW: the source's columns by name
    if icols:
        cols = [c.strip().strip("`") for c in icols.split(",")]
        vals = [re.fullmatch(r"\s*(?:`?(\w+)`?\.)?`?(\w+)`?\s*", v) for v in ivals.split(",")]
        if len(cols) != len(vals) or not all(vals) or \
                any(v.group(1) and v.group(1).lower() != salias.lower() for v in vals):
            raise JobFailure("invalidQuery", "MERGE: INSERT (c, ...) VALUES (s.c, ...) takes one source "
                             "column for each column for the test server", "query")
        inserts = {c.lower(): v.group(2) for c, v in zip(cols, vals)}
    tinfo = table_info(state, *split_name(target))
    if tinfo is None:
        raise JobFailure("notFound", "Not found: Table %s" % target)
    if not source:
        # a subquery: made a table first, since the local warehouse's LEFT
        # JOIN of a derived table that has QUALIFY fails on a few hundred
        # rows (docs/bigquery.md); the rows are the same
        source = "%s.%s__bq_merge_source" % split_name(target)
        run_sql(state, "CREATE OR REPLACE TABLE `%s` AS %s" % (source, subquery))
        try:
            return merge_rows(state, qtarget, tinfo, source, keys, updates, cond, inserts)
        finally:
            run_sql(state, "DROP TABLE IF EXISTS `%s`" % source)
    return merge_rows(state, qtarget, tinfo, source, keys, updates, cond, inserts)


def and_terms(on):
    """ON's terms joined by AND outside parentheses, each without spaces around."""
    terms, depth, start = [], 0, 0
    for m in re.finditer(r"\(|\)|\s+AND\s+", on, re.I):
        if m.group() == "(":
            depth += 1
        elif m.group() == ")":
            depth -= 1
        elif depth == 0:
            terms.append(on[start:m.start()].strip())
            start = m.end()
    return terms + [on[start:].strip()]


def key_match(a, ka, b, kb, nulls):
    """One key's join condition: equal, or (nulls) both NULL too."""
    eq = "%s.%s = %s.%s" % (a, ka, b, kb)
    return "(%s OR (%s.%s IS NULL AND %s.%s IS NULL))" % (eq, a, ka, b, kb) if nulls else eq


def merge_rows(state, qtarget, tinfo, source, keys, updates, cond, inserts):
    """run_merge's statement, from a source that is a table."""
    qsource = "`%s`" % source
    sinfo = table_info(state, *split_name(source))
    if sinfo is None:
        raise JobFailure("notFound", "Not found: Table %s" % source)
    scols = inserts if inserts is not None else {c["name"].lower(): c["name"] for c in sinfo["columns"]}
    for c, v in (inserts or {}).items():
        if c not in (t["name"].lower() for t in tinfo["columns"]) or \
                v.lower() not in (x["name"].lower() for x in sinfo["columns"]):
            raise JobFailure("invalidQuery", "INSERT: Unrecognized name: %s" % (c + " / " + v), "query")
    on_ts = " AND ".join(key_match("t", t, "s", s, n) for t, s, n in keys)
    on_tx = " AND ".join(key_match("t", t, "x", s, n) for t, s, n in keys)
    on_xs = " AND ".join(key_match("x", t, "s", s, n) for t, s, n in keys)
    kx = ", ".join(s for _, s, _ in keys)
    kt = ", ".join(t for t, _, _ in keys)
    twice = run_sql(state, "SELECT COUNT(*) FROM %s t JOIN (SELECT %s FROM %s GROUP BY %s "
                    "HAVING COUNT(*) > 1) x ON %s" % (qtarget, kx, qsource, kx, on_tx))
    if twice["rows"][0][0]:
        # https://cloud.google.com/bigquery/docs/reference/standard-sql/dml-syntax#merge_statement
        raise JobFailure("invalidQuery", "UPDATE/MERGE must match at most one source row for "
                         "each target row", "query")
    tcols = tinfo["columns"]
    # WHEN MATCHED AND cond: a matched row whose cond is not TRUE stays as it is
    applies = "COALESCE(%s, FALSE)" % cond if cond else "TRUE"
    matched = ", ".join(("s.%s" % updates[c["name"].lower()]) if c["name"].lower() in updates
                        else "t.%s" % c["name"] for c in tcols)
    inserted = ", ".join(("s.%s" % scols[c["name"].lower()]) if c["name"].lower() in scols
                         else "CAST(NULL AS %s)" % c["type"] for c in tcols)
    stmt = ("CREATE OR REPLACE TABLE %s%s AS "
            "SELECT t.* FROM %s t LEFT JOIN (SELECT %s, TRUE AS bq_merge_hit FROM %s) x ON %s "
            "WHERE x.bq_merge_hit IS NULL "
            "UNION ALL SELECT %s FROM %s t JOIN %s s ON %s WHERE %s "
            "UNION ALL SELECT t.* FROM %s t JOIN %s s ON %s WHERE NOT %s "
            "UNION ALL SELECT %s FROM %s s LEFT JOIN (SELECT %s, TRUE AS bq_merge_hit FROM %s) x "
            "ON %s WHERE x.bq_merge_hit IS NULL"
            % (qtarget, ddl_layout(state, tinfo["partition"], tinfo["cluster"]),
               qtarget, kx, qsource, on_tx,
               matched, qtarget, qsource, on_ts, applies,
               qtarget, qsource, on_ts, applies,
               inserted, qsource, kt, qtarget, on_xs))
    updated = run_sql(state, "SELECT COUNT(*) FROM %s t JOIN %s s ON %s WHERE %s"
                      % (qtarget, qsource, on_ts, applies))["rows"][0][0]
    res = run_sql(state, stmt)
    res["affected"] = res["rows_count"] - tinfo["rows"] + updated  # inserted + updated
    return res


ALTER_SHAPE = re.compile(r"\s*ALTER\s+TABLE\s+" + NAME + r"\s+(ADD\s+COLUMN\s+.+?)\s*;?\s*", re.I | re.S)
ADD_COLUMN = re.compile(r"\s*ADD\s+COLUMN\s+(IF\s+NOT\s+EXISTS\s+)?`?(\w+)`?\s+(\w+)\s*", re.I)


def run_alter(state, sql, dry_run):
    """ALTER TABLE t ADD COLUMN [IF NOT EXISTS] c TYPE [, ...], the one ALTER
    the server carries out: a CREATE OR REPLACE TABLE of the rows with the new
    columns NULL (its partitioning and clustering kept).  As BigQuery's DDL
    it processes no bytes
    (https://cloud.google.com/bigquery/docs/reference/standard-sql/data-definition-language#alter_table_add_column_statement)."""
    m = ALTER_SHAPE.fullmatch(sql)
    adds = m and [ADD_COLUMN.fullmatch(a) for a in m.group(2).split(",")]
    if not m or not all(adds) or any(a.group(3).upper() not in LOCAL_TYPE.values() for a in adds):
        raise JobFailure("invalidQuery", "the test server carries out ALTER TABLE only as ALTER TABLE "
                         "t ADD COLUMN [IF NOT EXISTS] c TYPE [, ...] (tests/servers/bigquery.py)", "query")
    target = m.group(1)
    tinfo = table_info(state, *split_name(target))
    if tinfo is None:
        raise JobFailure("notFound", "Not found: Table %s" % target)
    have = {c["name"].lower() for c in tinfo["columns"]}
    new = []
    for a in adds:
        if a.group(2).lower() in have or a.group(2).lower() in (n.lower() for n, _ in new):
            if not a.group(1):
                raise JobFailure("invalidQuery", "Column already exists: %s" % a.group(2), "query")
            continue
        new.append((a.group(2), a.group(3).upper()))
    if new and not dry_run:
        run_sql(state, "CREATE OR REPLACE TABLE `%s`%s AS SELECT t.*, %s FROM `%s` t"
                % (target, ddl_layout(state, tinfo["partition"], tinfo["cluster"]),
                   ", ".join("CAST(NULL AS %s) AS %s" % (t, n) for n, t in new), target))
    return {"schema": [], "rows": [], "bytes_processed": 0, "bytes_billed": 0}


def statement_type(sql):
    """https://cloud.google.com/bigquery/docs/reference/rest/v2/Job#JobStatistics2
    (statementType)."""
    words = re.findall(r"[A-Za-z_]+", re.sub(r"--[^\n]*|/\*.*?\*/", " ", sql, flags=re.S))[:5]
    w = [x.upper() for x in words]
    if not w:
        return "SELECT"
    if w[0] in ("SELECT", "WITH"):
        return "SELECT"
    if w[0] == "CREATE" and "TABLE" in w:
        return "CREATE_TABLE_AS_SELECT"
    if w[0] == "DROP" and "TABLE" in w[:2]:
        return "DROP_TABLE"
    if w[0] == "ALTER" and "TABLE" in w[:2]:
        return "ALTER_TABLE"
    return w[0]


WRITTEN = re.compile(r"\s*(?:CREATE\s+(?:OR\s+REPLACE\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?"
                     r"|INSERT\s+(?:INTO\s+)?|DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?"
                     r"|MERGE\s+(?:INTO\s+)?|ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?)`?([\w.-]+)`?", re.I)


# a table named with its project: project.dataset.table, backticks anywhere
PROJECT_NAME = re.compile(r"\b(?:FROM|JOIN|TABLE|INTO|USING|MERGE)\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?"
                          r"`?([A-Za-z0-9_-]+)`?\.`?(\w+)`?\.`?(\w+)`?", re.I)


def check_projects(job, sql):
    """A table named with a project must be in the job's: the server holds
    one project's tables (BigQuery would look in the other project, where
    the test's account has no tables)."""
    project = job["ref"]["projectId"]
    for m in PROJECT_NAME.finditer(sql):
        if m.group(1) != project:
            raise JobFailure("notFound", "Not found: Table %s:%s.%s (the test server holds "
                             "project %s's tables only)" % (m.group(1), m.group(2), m.group(3),
                                                           project))


def check_written(state, job, sql):
    """The table a statement writes, (dataset, table), as BigQuery checks
    it: qualified with a dataset (no defaultDataset is taken), in a dataset
    that exists; None for a SELECT."""
    m = WRITTEN.match(sql)
    if not m:
        return None
    ds, table = split_name(m.group(1))
    if not ds:
        raise JobFailure("invalidQuery", "Table \"%s\" must be qualified with a dataset (e.g. "
                         "dataset.table)." % table, "query")
    if not state.has_dataset(job["ref"]["projectId"], ds):
        raise JobFailure("notFound", "Not found: Dataset %s:%s was not found in location %s"
                         % (job["ref"]["projectId"], ds, job["ref"]["location"]))
    check_one_name(state, ds, table)
    return ds, table


def check_one_name(state, ds, table):
    """The local warehouse names a table by its last part: a table of this
    name in another dataset would be replaced, so the job fails instead."""
    if table_info(state, ds, table) is None and \
            table.lower() in (t.lower() for t in state.run_pipe(["tables"], state.warehouse)
                              .stdout.split()):
        raise JobFailure("invalid", "the test server holds one table named %s whatever its "
                         "dataset (the local warehouse's rule), and another dataset has it" % table)


# -- jobs --------------------------------------------------------------------

def now_ms():
    return str(int(time.time() * 1000))


def job_resource(state, job, base):
    """https://cloud.google.com/bigquery/docs/reference/rest/v2/Job"""
    ref = job["ref"]
    done = job["state"] == "DONE"
    stats = {"creationTime": job["created"], "startTime": job["created"]}
    res = {"kind": "bigquery#job", "etag": job["etag"],
           "id": "%s:%s.%s" % (ref["projectId"], ref["location"], ref["jobId"]),
           "selfLink": "%s/bigquery/v2/projects/%s/jobs/%s?location=%s"
                       % (base, ref["projectId"], ref["jobId"], ref["location"]),
           "user_email": state.email, "jobReference": ref,
           "configuration": job["config"], "status": {"state": job["state"]},
           "statistics": stats}
    if not done:
        return res
    stats["endTime"] = job["ended"]
    if job["error"]:
        res["status"]["errorResult"] = job["error"]
        res["status"]["errors"] = [job["error"]] + job["more_errors"]
    if job["type"] == "QUERY" and not job["error"]:
        skew = job["skew"]
        q = {"totalBytesProcessed": str(job["processed"] + skew),
             "totalBytesBilled": str(job["billed"] + skew if job["billed"] or skew else 0),
             "cacheHit": job["cache_hit"], "statementType": job["statement"],
             "totalPartitionsProcessed": str(job["partitions"])}
        if not job["dry_run"]:
            q["billingTier"] = 1
        else:
            del q["totalBytesBilled"]  # a dry run bills nothing, and says nothing of it
        if job["affected"] is not None:
            q["numDmlAffectedRows"] = str(job["affected"])
        if job["statement"] in ("CREATE_TABLE_AS_SELECT", "DROP_TABLE"):
            q["ddlOperationPerformed"] = job["ddl_op"]
        stats["query"] = q
        stats["totalBytesProcessed"] = q["totalBytesProcessed"]
    if job["type"] == "LOAD" and not job["error"]:
        stats["load"] = {"inputFiles": "1", "inputFileBytes": str(job["input_bytes"]),
                         "outputRows": str(job["output_rows"]),
                         "outputBytes": str(job["output_bytes"]), "badRecords": "0"}
    return res


def new_job(state, ref, config, kind):
    return {"ref": ref, "config": config, "type": kind, "state": "RUNNING",
            "created": now_ms(), "ended": None, "etag": secrets.token_urlsafe(12),
            "page_key": secrets.token_hex(4),
            "error": None, "more_errors": [], "polls": state.settings["running_polls"],
            "skew": state.settings["skew_bytes"], "dry_run": bool(config.get("dryRun")),
            "sql": None, "statement": None, "schema": [], "rows": [], "processed": 0,
            "billed": 0, "partitions": 0, "cache_hit": False, "affected": None,
            "ddl_op": None, "input_bytes": 0, "output_rows": 0, "output_bytes": 0}


def check_job(state, project, body):
    """The checks every jobs.insert gets, upload or not; returns the job
    reference with its location."""
    check_shape(body, JOB, "job")
    ref = dict(body.get("jobReference") or {})
    # pipe's rule (docs/bigquery.md): job ids are derived from target keys,
    # so that a retried build finds its job; BigQuery would make one up
    if not ref.get("jobId"):
        raise invalid("jobReference.jobId is required by the test server: pipe derives job ids "
                      "from target keys (BigQuery would make one up)", "job.job_reference.job_id")
    if not JOB_ID.fullmatch(ref["jobId"]):
        # https://cloud.google.com/bigquery/docs/reference/rest/v2/JobReference
        raise invalid("Invalid job ID \"%s\". Job IDs must be alphanumeric (plus underscores "
                      "and dashes) and must be at most 1024 characters long."
                      % ref["jobId"][:100], "job.job_reference.job_id")
    if ref.setdefault("projectId", project) != project:
        raise invalid("jobReference.projectId %s is not the project of the request path, %s"
                      % (ref["projectId"], project), "job.job_reference.project_id")
    ref.setdefault("location", "US")
    config = body.get("configuration") or {}
    kinds = [k for k in ("query", "load") if k in config]
    if len(kinds) != 1:
        raise invalid("Job configuration must contain exactly one job-specific configuration "
                      "object (e.g., query, load, extract, spreadsheetExtract), but there "
                      "were %d" % len(kinds), "job.configuration")
    return ref, kinds[0]


def check_query(config):
    q = config["query"]
    # https://cloud.google.com/bigquery/docs/reference/rest/v2/Job#JobConfigurationQuery
    # (query: "[Required]")
    if not q.get("query", "").strip():
        raise invalid("Required parameter is missing: query", "job.configuration.query.query")
    # useLegacySql "The default value is true": absent, BigQuery runs the
    # statement as legacy SQL; pipe speaks GoogleSQL and must always say so
    if "useLegacySql" not in q:
        raise invalid("configuration.query.useLegacySql is absent: BigQuery would run the query "
                      "as legacy SQL (the default); pipe must send \"useLegacySql\": false",
                      "job.configuration.query.use_legacy_sql")
    if q["useLegacySql"]:
        raise invalid("configuration.query.useLegacySql is true: the test server, like pipe, "
                      "runs GoogleSQL only", "job.configuration.query.use_legacy_sql")
    kind = statement_type(q["query"])
    # https://cloud.google.com/bigquery/docs/reference/standard-sql/data-definition-language
    # and .../dml-syntax: a DDL or DML statement's job takes no disposition
    if kind != "SELECT":
        for k in ("createDisposition", "writeDisposition"):
            if k in q:
                raise invalid("Cannot set %s disposition in jobs with DDL or DML statements (%s)"
                              % (k[:-len("Disposition")], kind),
                              "job.configuration.query." + snake(k))


def check_load(state, config):
    ld = config["load"]
    where = "job.configuration.load"
    # https://cloud.google.com/bigquery/docs/reference/rest/v2/Job#JobConfigurationLoad
    # sourceFormat: "The default value is CSV"
    fmt = ld.get("sourceFormat")
    if fmt != "NEWLINE_DELIMITED_JSON":
        raise invalid("sourceFormat %s: the test server loads NEWLINE_DELIMITED_JSON only%s"
                      % (fmt or "absent", "" if fmt else " (absent is CSV, BigQuery's default)"),
                      where + ".source_format")
    dest = ld.get("destinationTable")
    if not dest:
        raise invalid("Required parameter is missing: destinationTable",
                      where + ".destination_table")
    for k, pattern in (("projectId", None), ("datasetId", DATASET_ID), ("tableId", TABLE_ID)):
        if not dest.get(k):
            raise invalid("Required parameter is missing: destinationTable.%s" % k,
                          where + ".destination_table." + snake(k))
        if pattern and not pattern.fullmatch(dest[k]):
            raise invalid("Invalid %s ID \"%s\"" % (k[:-2], dest[k]),
                          where + ".destination_table." + snake(k))
    if ld.get("autodetect") and "schema" not in ld:
        raise invalid("%s.autodetect: the test server needs the schema; pipe sends it" % where,
                      where + ".autodetect")
    fields = (ld.get("schema") or {}).get("fields")
    if not fields:
        raise invalid("No schema specified on job or table.", where + ".schema")
    types = {}
    for i, f in enumerate(fields):
        at = "%s.schema.fields[%d]" % (where, i)
        name = f.get("name", "")
        # https://cloud.google.com/bigquery/docs/schemas#column_names
        if not COLUMN.fullmatch(name) or name.lower().startswith(("_table_", "_file_",
                                                                  "_partition")):
            raise invalid("Invalid field name \"%s\". Fields must contain only letters, numbers, "
                          "and underscores, start with a letter or underscore, and be at most "
                          "300 characters long." % name, at + ".name")
        if name.lower() in types:
            raise invalid("Field %s already exists in schema" % name, at + ".name")
        typ = f.get("type")
        if typ is None:
            raise invalid("Field %s: the type is missing" % name, at + ".type")
        if typ not in LOCAL_TYPE:
            raise invalid("Field %s: type %s: the test server's warehouse holds %s"
                          % (name, typ, ", ".join(sorted(LOCAL_TYPE))), at + ".type")
        if f.get("mode") == "REPEATED":
            raise invalid("Field %s: REPEATED: the test server holds no arrays (pipe makes child "
                          "tables of them)" % name, at + ".mode")
        types[name.lower()] = LOCAL_TYPE[typ]
    tp = ld.get("timePartitioning")
    if tp is not None:
        if "type" not in tp:
            raise invalid("Required parameter is missing: timePartitioning.type",
                          where + ".time_partitioning.type")
        field = tp.get("field")
        if not field:
            raise invalid("timePartitioning without a field is ingestion-time partitioning, "
                          "which the test server does not hold", where + ".time_partitioning")
        ft = types.get(field.lower())
        # https://cloud.google.com/bigquery/docs/partitioned-tables
        # (#date_timestamp_partitioned_tables)
        if ft not in ("DATE", "TIMESTAMP", "DATETIME"):
            raise invalid("The field specified for time partitioning can only be of type "
                          "TIMESTAMP, DATE or DATETIME. The type found is: %s." % (ft or "absent"),
                          where + ".time_partitioning.field")
        if tp["type"] == "HOUR" and ft == "DATE":
            raise invalid("Partitioning by HOUR is not supported for DATE field %s" % field,
                          where + ".time_partitioning.type")
    cl = ld.get("clustering")
    if cl is not None:
        cf = cl.get("fields") or []
        # https://cloud.google.com/bigquery/docs/clustered-tables#limitations
        if not cf or len(cf) > 4:
            raise invalid("Clustering: between 1 and 4 fields, not %d" % len(cf),
                          where + ".clustering.fields")
        for c in cf:
            ct = types.get(c.lower())
            if ct is None:
                raise invalid("The field specified for clustering cannot be found in the schema. "
                              "Invalid field: %s." % c, where + ".clustering.fields")
            if ct in ("FLOAT64", "JSON"):
                raise invalid("Field %s is of type %s which is not supported for clustering"
                              % (c, ct), where + ".clustering.fields")


def run_query_job(state, job):
    q = job["config"]["query"]
    sql = q["query"]
    job["sql"] = sql
    job["statement"] = statement_type(sql)
    cacheable = (job["statement"] == "SELECT" and not job["dry_run"]
                 and q.get("useQueryCache", True) and state.settings["cache"])
    hit = state.cache.get(sql) if cacheable else None
    if hit and hit[0] == state.generation:
        # https://cloud.google.com/bigquery/docs/cached-results: no bytes billed
        prev = state.jobs[hit[1]]
        job.update(schema=prev["schema"], rows=prev["rows"], cache_hit=True)
        return
    check_projects(job, sql)
    written = check_written(state, job, sql) if job["statement"] != "SELECT" else None
    if job["statement"] == "CREATE_TABLE_AS_SELECT" and written:
        job["ddl_op"] = "REPLACE" if table_info(state, *written) is not None else "CREATE"
    if job["statement"] == "DROP_TABLE":
        job["ddl_op"] = "DROP"
    if job["statement"] == "MERGE":
        if job["dry_run"]:
            raise JobFailure("invalidQuery", "the test server does not dry-run MERGE", "query")
        res = run_merge(state, sql)
        job["affected"] = res["affected"]
    elif job["statement"] == "ALTER_TABLE":
        res = run_alter(state, sql, job["dry_run"])
    else:
        res = run_sql(state, sql, job["dry_run"], int(q.get("maximumBytesBilled", "0")))
    job["schema"], job["rows"] = res["schema"], res["rows"]
    job["processed"], job["billed"] = res["bytes_processed"], res["bytes_billed"]
    job["partitions"] = res.get("partitions_scanned", 0)
    if job["statement"] == "INSERT" and not job["dry_run"]:
        job["affected"] = res["rows_count"]  # pipe counts the rows inserted
    if job["statement"] != "SELECT" and not job["dry_run"]:
        state.generation += 1
    elif cacheable:
        state.cache[sql] = (state.generation, (job["ref"]["projectId"], job["ref"]["jobId"]))


# -- loads -------------------------------------------------------------------

def bad_row(row, why):
    """A load's bad row as BigQuery reports it: errorResult says the load
    gave up and points at errors[], which says what was wrong
    (https://cloud.google.com/bigquery/docs/error-messages, "invalid")."""
    first = "Error while reading data, error message: JSON table encountered too many errors, " \
        "giving up. Rows: %d; errors: 1. Please look into the errors[] collection for more " \
        "details." % row
    return JobFailure("invalid", first, more=[
        {"reason": "invalid", "message": "Error while reading data, error message: " + why}])


def parse_rows(data, fields, ignore_unknown):
    """The NDJSON rows, each key matched to the schema (case-insensitively,
    as BigQuery matches column names); BigQuery's load errors otherwise
    (https://cloud.google.com/bigquery/docs/loading-data-cloud-storage-json#limitations)."""
    names = {f["name"].lower(): i for i, f in enumerate(fields)}
    rows, pos = [], 0
    for line in data.split(b"\n"):
        start, pos = pos, pos + len(line) + 1
        if not line.strip():
            continue

        def bad(why):
            return bad_row(len(rows) + 1, "JSON parsing error in row starting at position %d: %s"
                           % (start, why))
        try:
            obj = json.loads(line.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as e:
            raise bad("Parser terminated before end of string (%s)" % e)
        if not isinstance(obj, dict):
            raise bad("Top-level JSON value is not an object")
        row = [None] * len(fields)
        for k, v in obj.items():
            i = names.get(k.lower())
            if i is None:
                if ignore_unknown:
                    continue
                raise bad("No such field: %s." % k)
            if isinstance(v, list):
                raise bad("Array specified for non-repeated field: %s." % k)
            if isinstance(v, dict):
                raise bad("JSON object specified for non-record field: %s" % k)
            row[i] = v
        for i, f in enumerate(fields):
            if f.get("mode") == "REQUIRED" and row[i] is None:
                raise bad("Missing required field: %s." % f["name"])
        rows.append(row)
    return rows


def partition_expr(tp, typ):
    f, unit = tp["field"], tp["type"]
    if unit == "DAY":
        return f if typ == "DATE" else "DATE(%s)" % f
    trunc = {"DATE": "DATE_TRUNC", "DATETIME": "DATETIME_TRUNC"}.get(typ, "TIMESTAMP_TRUNC")
    return "%s(%s, %s)" % (trunc, f, unit)


def run_load_job(state, job, data):
    ld = job["config"]["load"]
    dest = ld["destinationTable"]
    ds, table = dest["datasetId"], dest["tableId"]
    name = "%s.%s" % (ds, table)
    full = "%s:%s" % (dest["projectId"], name)
    if not state.has_dataset(dest["projectId"], ds):
        raise JobFailure("notFound", "Not found: Dataset %s:%s" % (dest["projectId"], ds))
    fields = ld["schema"]["fields"]
    rows = parse_rows(data, fields, ld.get("ignoreUnknownValues", False))
    check_one_name(state, ds, table)
    existing = table_info(state, ds, table)
    wd = ld.get("writeDisposition", "WRITE_APPEND")  # the reference's default for loads
    if existing is None and ld.get("createDisposition") == "CREATE_NEVER":
        raise JobFailure("notFound", "Not found: Table %s" % full)
    if existing is not None and wd == "WRITE_EMPTY" and existing["rows"]:
        raise JobFailure("duplicate", "Already Exists: Table %s" % full)
    if wd == "WRITE_TRUNCATE_DATA":
        raise JobFailure("invalid", "WRITE_TRUNCATE_DATA: not carried out by the test server")
    if existing is not None and wd != "WRITE_TRUNCATE":
        # https://cloud.google.com/bigquery/docs/managing-table-schemas: a
        # load adds columns only with schemaUpdateOptions (not taken here)
        have = {c["name"].lower() for c in existing["columns"]}
        for f in fields:
            if f["name"].lower() not in have:
                raise JobFailure("invalid", "Provided Schema does not match Table %s. Cannot add "
                                 "fields (field: %s)" % (full, f["name"]))
    # the rows under neutral keys c0, c1 ... so that pipe's name normalisation
    # cannot change a name; the SELECT below gives the schema's names back
    state.loads += 1
    scratch = os.path.join(state.dir, "load-%d" % state.loads)
    tmp = "bqserver_load_%d" % state.loads
    os.makedirs(scratch)
    try:
        state.run_pipe(["init"], scratch)
        present = set()
        with open(os.path.join(scratch, "rows.ndjson"), "w") as f:
            for r in rows:
                obj = {"c%d" % i: v for i, v in enumerate(r) if v is not None}
                present.update(obj)
                f.write(json.dumps(obj) + "\n")
        types = " ".join("c%d:%s" % (i, LOCAL_TYPE[fd["type"]]) for i, fd in enumerate(fields)
                         if "c%d" % i in present)
        dag = "table %s: rows.ndjson\n  format = ndjson\n" % tmp
        if types:
            dag += "  types = %s\n" % types
        with open(os.path.join(scratch, "pipelines", "load.pipe"), "w") as f:
            f.write(dag)
        if rows:
            p = state.run_pipe(["build"], scratch, check=False)
            if p.returncode != 0:
                why = [ln for ln in (p.stdout + p.stderr).splitlines() if ln.startswith("FAILED")]
                msg = why[0].split(": ", 1)[1] if why else p.stderr.strip()
                # the schema's names back in place of the neutral keys
                msg = re.sub(r"\bc(\d+)\b", lambda m: fields[int(m.group(1))]["name"], msg)
                row = re.search(r"\brow (\d+)", msg)
                raise bad_row(int(row.group(1)) if row else 1,
                              msg.replace("rows.ndjson:", "line "))
            shutil.copytree(os.path.join(scratch, "targets", tmp),
                            os.path.join(state.warehouse, "targets", tmp))
            src = tmp
        else:
            src = "(SELECT 1 AS one LIMIT 0)"
        cols = ", ".join(("c%d AS %s" % (i, fd["name"])) if "c%d" % i in present
                         else "CAST(NULL AS %s) AS %s" % (LOCAL_TYPE[fd["type"]], fd["name"])
                         for i, fd in enumerate(fields))
        select = "SELECT %s FROM %s" % (cols, src)
        try:
            if existing is not None and wd in ("WRITE_APPEND", "WRITE_EMPTY"):
                stmt = "INSERT INTO %s (%s) %s" % (name, ", ".join(f["name"] for f in fields),
                                                   select)
            else:
                partition = None
                tp = ld.get("timePartitioning")
                if tp:
                    ftype = next(LOCAL_TYPE[f["type"]] for f in fields
                                 if f["name"].lower() == tp["field"].lower())
                    partition = partition_expr(tp, ftype)
                layout = ddl_layout(state, partition, (ld.get("clustering") or {}).get("fields"))
                stmt = "CREATE OR REPLACE TABLE %s%s AS %s" % (name, layout, select)
            run_sql(state, stmt)
        except JobFailure as e:
            raise JobFailure("invalid", "Error while reading data, error message: %s"
                             % e.error["message"])
        finally:
            if rows:
                run_sql(state, "DROP TABLE IF EXISTS %s" % tmp)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    state.generation += 1
    job["input_bytes"] = len(data)
    job["output_rows"] = len(rows)
    job["output_bytes"] = run_sql(state, "SELECT * FROM %s" % name, dry_run=True)["bytes_processed"]


# -- the HTTP side -----------------------------------------------------------

API = "/bigquery/v2/projects/"


class Handler(tokensrv.Handler):
    """token_server.py's handler (its JWT checks), answering BigQuery's routes."""
    server_version = "testbigquery/1"

    def send(self, code, body, ctype="application/json; charset=UTF-8", headers=()):
        if self.lost:
            r, self.lost = self.fault_refusal(self.lost), None
            code, body, headers = r.code, (json.dumps(r.body(), indent=1) + "\n").encode(), ()
        self.status_sent = code
        # logged before the answer leaves, so that a client that has its
        # answer finds the line
        if getattr(self, "route", None):
            self.write_log(self.server.state, self.route)
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def reply(self, code, obj):
        self.send(code, (json.dumps(obj, indent=1) + "\n").encode())

    def base(self):
        return "http://%s" % self.headers.get("Host", "127.0.0.1")

    def body_json(self, raw):
        try:
            obj = json.loads(raw.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as e:
            raise invalid("Invalid JSON payload received. %s" % e)
        return obj

    # every method comes here
    def handle_any(self):
        self.status_sent, self.job_id, self.route, self.lost = None, None, None, None
        # the whole body first, whatever the answer: a connection kept alive
        # must not hold the rest of a refused request
        n = int(self.headers.get("Content-Length") or 0)
        self.raw = self.rfile.read(n) if n else b""
        connection, self.rfile = self.rfile, io.BytesIO(self.raw)  # upload.py reads it itself
        try:
            self.answer(urlsplit(self.path))
        finally:
            self.rfile = connection  # where the next request on the connection comes from

    def answer(self, u):
        st = self.server.state
        if u.path in ("/_control", "/_dump"):
            with lock:
                return self.control(st, u.path)
        with lock:
            self.route = u.path
            route = self.route_name(u.path)
            st.routes[route] = st.routes.get(route, 0) + 1
            try:
                fault = self.take_fault(st, u.path)
                if fault and not fault.get("after"):
                    raise self.fault_refusal(fault)
                self.lost = fault  # carried out, then answered with the fault (send)
                answer = self.dispatch(st, u)
                if answer is not None:
                    self.reply(*answer)
            except Refusal as r:
                self.reply(r.code, r.body())
            except Exception as e:  # the server's own bug: said, not a dropped connection
                self.reply(500, Refusal(500, "internalError", "tests/servers/bigquery.py: %s: %s"
                                        % (type(e).__name__, e)).body())
            finally:
                if self.route:  # no answer was sent: the connection was dropped
                    self.write_log(st, u.path)

    do_GET = do_POST = do_PUT = do_DELETE = lambda self: self.handle_any()

    def route_name(self, path):
        return re.sub(r"/(projects|jobs|queries|datasets|tables|session)/[^/]+",
                      r"/\1/*", path)

    def write_log(self, st, path):
        self.route = None  # one line a request
        if not st.log:
            return
        status = self.status_sent if self.status_sent is not None else "drop"
        with open(st.log, "a") as f:
            job_id = self.job_id if self.job_id and JOB_ID.fullmatch(self.job_id) else "-"
            f.write("%s %s %s %s\n" % (self.command, path, status, job_id))

    def take_fault(self, st, path):
        for f in st.faults:
            if path == "/token" and "path" not in f:
                continue  # the token endpoint is Google's OAuth, not BigQuery
            if f["count"] > 0 and f.get("path", "") in path and \
                    f.get("method", self.command) == self.command:
                f["count"] -= 1
                return f
        return None

    def fault_refusal(self, f):
        reason = f.get("reason", "backendError")
        code = f.get("status", REASON_CODE.get(reason, 500))
        return Refusal(code, reason, f.get("message") or DEFAULT_MESSAGE.get(reason, reason))

    def authorise(self, st):
        # https://cloud.google.com/bigquery/docs/authentication: an OAuth 2.0
        # access token as "Authorization: Bearer"; Google's 401 otherwise
        h = self.headers.get("Authorization", "")
        token = h[len("Bearer "):] if h.startswith("Bearer ") else None
        if token is None:
            raise Refusal(401, "required", "Request is missing required authentication "
                          "credential. Expected OAuth 2 access token, login cookie or other valid "
                          "authentication credential.", "Authorization", "header")
        if st.expire_after is not None:
            st.expire_after -= 1
            if st.expire_after <= 0:
                st.tokens, st.expire_after = {}, None
        if st.tokens.get(token, 0) < time.time():
            raise Refusal(401, "authError", "Request had invalid authentication credentials. "
                          "Expected OAuth 2 access token, login cookie or other valid "
                          "authentication credential.", "Authorization", "header")

    def dispatch(self, st, u):
        q = parse_qs(u.query, keep_blank_values=True)
        p, raw = u.path, self.raw
        if p == "/token" and self.command == "POST":
            return self.token(st, raw.decode("utf-8", "replace"))
        if p.startswith("/upload/session/") and self.command == "PUT":
            return self.upload(st, None, raw)
        m = re.fullmatch(r"/upload/bigquery/v2/projects/([^/]+)/jobs", p)
        if m and self.command == "POST":
            self.authorise(st)
            return self.upload(st, m.group(1), raw)
        if not p.startswith(API):
            raise Refusal(404, "notFound", "Not found: URL %s" % p)
        self.authorise(st)
        parts = p[len(API):].split("/")
        project, rest, cmd = parts[0], parts[1:], self.command
        if rest == ["jobs"] and cmd == "POST":
            check_params(q, set())
            body = self.body_json(raw)
            self.job_id = isinstance(body, dict) and (body.get("jobReference") or {}).get("jobId")
            return self.jobs_insert(st, project, body)
        if len(rest) == 2 and rest[0] == "jobs" and cmd == "GET":
            self.job_id = rest[1]
            check_params(q, {"location"})
            return 200, self.jobs_get(st, project, rest[1], q)
        if len(rest) == 3 and rest[0] == "jobs" and rest[2] == "cancel" and cmd == "POST":
            self.job_id = rest[1]
            check_params(q, {"location"})
            return 200, self.jobs_cancel(st, project, rest[1], q)
        if len(rest) == 2 and rest[0] == "queries" and cmd == "GET":
            self.job_id = rest[1]
            check_params(q, {"location", "pageToken", "maxResults", "startIndex", "timeoutMs",
                             "formatOptions.useInt64Timestamp"})
            return 200, self.query_results(st, project, rest[1], q)
        if rest == ["datasets"] and cmd == "POST":
            return self.datasets_insert(st, project, self.body_json(raw))
        if rest == ["datasets"] and cmd == "GET":
            check_params(q, {"all", "filter", "maxResults", "pageToken"})
            names = sorted(d for p, d in st.datasets if p in (None, project))
            return 200, {"kind": "bigquery#datasetList",
                         "datasets": [self.dataset_resource(project, d) for d in names]}
        if len(rest) >= 2 and rest[0] == "datasets":
            ds = rest[1]
            if len(rest) == 2 and cmd == "GET":
                return 200, self.dataset_get(st, project, ds)
            if len(rest) == 3 and rest[2] == "tables" and cmd == "GET":
                check_params(q, {"maxResults", "pageToken"})
                return 200, self.tables_list(st, project, ds)
            if len(rest) == 4 and rest[2] == "tables" and cmd in ("GET", "DELETE"):
                check_params(q, {"selectedFields", "view"} if cmd == "GET" else set())
                return self.table(st, project, ds, rest[3], cmd)
        raise Refusal(404, "notFound", "Not found: %s %s" % (cmd, p))

    # -- routes --

    def token(self, st, body):
        try:
            self.check(body)  # token_server.py's: form, JWT header, RS256 signature, claims
        except tokensrv.Refused as e:
            return 400, {"error": e.error, "error_description": e.description}
        token = "ya29.bq-" + secrets.token_urlsafe(24)
        st.tokens[token] = time.time() + 3599
        return 200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"}

    def jobs_insert(self, st, project, body, data=None):
        ref, kind = check_job(st, project, body)
        self.job_id = ref["jobId"]
        config = copy.deepcopy(body["configuration"])
        if kind == "query":
            check_query(config)
        else:
            check_load(st, config)
            if data is None:
                # https://cloud.google.com/bigquery/docs/reference/rest/v2/jobs/insert:
                # "The Upload URI is ONLY for ... a load job configuration and a data stream"
                raise invalid("a load job without sourceUris needs its data: POST it to "
                              "/upload/bigquery/v2/projects/%s/jobs" % project,
                              "job.configuration.load")
        config["jobType"] = kind.upper()
        key = (project, ref["jobId"])
        dry = bool(config.get("dryRun"))
        if dry and kind == "load":
            raise invalid("the test server does not dry-run load jobs", "job.configuration.dry_run")
        if key in st.jobs and not dry:
            # https://cloud.google.com/bigquery/docs/error-messages: duplicate, 409
            raise Refusal(409, "duplicate", "Already Exists: Job %s:%s.%s"
                          % (project, st.jobs[key]["ref"]["location"], ref["jobId"]))
        job = new_job(st, ref, config, kind.upper())
        if st.fail_jobs and not dry:
            f = st.fail_jobs[0]
            f["count"] -= 1
            if f["count"] <= 0:
                st.fail_jobs.pop(0)
            job["error"] = {k: f[k] for k in ("reason", "location", "message") if k in f}
        else:
            try:
                if kind == "query":
                    run_query_job(st, job)
                else:
                    run_load_job(st, job, data)
            except JobFailure as e:
                job["error"], job["more_errors"] = e.error, e.more
        job["state"], job["ended"] = "DONE", now_ms()
        if dry:
            # https://cloud.google.com/bigquery/docs/samples/bigquery-query-dry-run:
            # answered DONE at once, and not kept as a job
            if job["error"]:
                e = job["error"]
                raise Refusal(REASON_CODE.get(e["reason"], 400), e["reason"], e["message"],
                              e.get("location"))
            return 200, job_resource(st, job, self.base())
        st.jobs[key] = job
        # PENDING when the job is to be polled a while, as a queued job is
        state = "PENDING" if job["polls"] else "RUNNING"
        return 200, job_resource(st, dict(job, state=state), self.base())

    def find_job(self, st, project, job_id, q):
        job = st.jobs.get((project, job_id))
        loc = q.get("location", [None])[0]
        # https://cloud.google.com/bigquery/docs/reference/rest/v2/jobs/get:
        # location "is required except for US and EU"
        if job is None or (loc and loc != job["ref"]["location"]) or \
                (not loc and job["ref"]["location"] not in ("US", "EU")):
            raise Refusal(404, "notFound", "Not found: Job %s:%s.%s"
                          % (project, loc or "US", job_id))
        return job

    def polled(self, job):
        """Whether the job still answers RUNNING to this poll."""
        if job["polls"] > 0:
            job["polls"] -= 1
            return True
        return False

    def jobs_get(self, st, project, job_id, q):
        job = self.find_job(st, project, job_id, q)
        if self.polled(job):
            return job_resource(st, dict(job, state="RUNNING"), self.base())
        return job_resource(st, job, self.base())

    def jobs_cancel(self, st, project, job_id, q):
        """https://cloud.google.com/bigquery/docs/reference/rest/v2/jobs/cancel: a
        job still RUNNING (held by running_polls) ends DONE with errorResult
        stopped; a job already DONE stays as it was.  The server ran the
        job when it was inserted, so what it wrote stays written."""
        job = self.find_job(st, project, job_id, q)
        if job["polls"] > 0:
            job["polls"] = 0
            job["error"] = {"reason": "stopped", "location": "",
                            "message": "Job execution was cancelled: User requested cancellation"}
            job["more_errors"] = []
        return {"kind": "bigquery#jobCancelResponse", "job": job_resource(st, job, self.base())}

    def query_results(self, st, project, job_id, q):
        """https://cloud.google.com/bigquery/docs/reference/rest/v2/jobs/getQueryResults"""
        job = self.find_job(st, project, job_id, q)
        if job["type"] != "QUERY":
            raise invalid("Job %s:%s.%s is not a query job" % (project, job["ref"]["location"],
                                                                job_id))
        res = {"kind": "bigquery#getQueryResultsResponse", "etag": job["etag"],
               "jobReference": job["ref"]}
        if self.polled(job):
            res["jobComplete"] = False
            return res
        if job["error"]:
            e = job["error"]
            raise Refusal(REASON_CODE.get(e["reason"], 400), e["reason"], e["message"],
                          e.get("location"))
        res["jobComplete"] = True
        res["cacheHit"] = job["cache_hit"]
        res["totalBytesProcessed"] = job_resource(st, job, "")["statistics"]["totalBytesProcessed"]
        if job["affected"] is not None:
            res["numDmlAffectedRows"] = str(job["affected"])
        if job["statement"] != "SELECT":
            return res
        try:
            start = int(q.get("startIndex", ["0"])[0])
            size = int(q.get("maxResults", [st.settings["page_size"]])[0])
        except ValueError:
            raise invalid("startIndex and maxResults are unsigned integers")
        token = q.get("pageToken", [None])[0]
        if token is not None:
            m = re.fullmatch(r"BQ([0-9a-f]+)\.([0-9a-f]+)", token)
            if not m or m.group(2) != job["page_key"]:
                raise invalid("Invalid page token: %s" % token, "pageToken")
            start = int(m.group(1), 16)
        int64_ts = q.get("formatOptions.useInt64Timestamp", ["false"])[0] == "true"
        types = [c["type"] for c in job["schema"]]
        page = job["rows"][start:start + max(size, 1)] if size else []
        res["schema"] = rest_schema(job["schema"])
        res["totalRows"] = str(len(job["rows"]))
        res["rows"] = [{"f": [{"v": cell(v, t, int64_ts)} for v, t in zip(r, types)]}
                       for r in page]
        nxt = start + len(page)
        if nxt < len(job["rows"]):
            res["pageToken"] = "BQ%x.%s" % (nxt, job["page_key"])
        return res

    def upload(self, st, project, raw):
        """Through upload.py, whose finished upload (multipart, or the last
        PUT of a resumable session) calls upload.job: here, the load."""
        if project is not None:
            meta = self.body_json(raw) if "resumable" in self.path else None
            if meta is not None:
                # the job is checked when the session opens, as BigQuery does
                ref, _ = check_job(st, project, meta)
                self.job_id = ref["jobId"]
                st.session_projects[ref["jobId"]] = project
        else:
            sid = urlsplit(self.path).path.rsplit("/", 1)[1]
            s = upload.sessions.get(sid)
            self.job_id = s and (s["meta"].get("jobReference") or {}).get("jobId")

        def finished(meta, data, bytes_in, chunks, save):
            if save:
                with open(save + ".tmp", "wb") as f:
                    f.write(data)
                os.rename(save + ".tmp", save)
            job_id = (meta.get("jobReference") or {}).get("jobId")
            self.job_id = job_id
            _, obj = self.jobs_insert(st, project or st.session_projects.get(job_id), meta, data)
            return obj
        upload.job = finished
        try:
            upload.handle(self)
        finally:
            upload.job = None
        return None

    def datasets_insert(self, st, project, body):
        # https://cloud.google.com/bigquery/docs/reference/rest/v2/datasets/insert
        check_shape(body, DATASET, "dataset")
        ds = (body.get("datasetReference") or {}).get("datasetId", "")
        if not DATASET_ID.fullmatch(ds):
            raise invalid("Invalid dataset ID \"%s\". Dataset IDs must be alphanumeric (plus "
                          "underscores) and must be at most 1024 characters long." % ds,
                          "dataset.dataset_reference.dataset_id")
        if st.has_dataset(project, ds):
            raise Refusal(409, "duplicate", "Already Exists: Dataset %s:%s" % (project, ds))
        st.datasets.add((project, ds))
        return 200, self.dataset_resource(project, ds, body.get("location", "US"))

    def dataset_resource(self, project, ds, location="US"):
        return {"kind": "bigquery#dataset", "id": "%s:%s" % (project, ds),
                "datasetReference": {"projectId": project, "datasetId": ds},
                "location": location}

    def dataset_get(self, st, project, ds):
        if not st.has_dataset(project, ds):
            raise Refusal(404, "notFound", "Not found: Dataset %s:%s" % (project, ds))
        return self.dataset_resource(project, ds)

    def tables_list(self, st, project, ds):
        """https://cloud.google.com/bigquery/docs/reference/rest/v2/tables/list"""
        if not st.has_dataset(project, ds):
            raise Refusal(404, "notFound", "Not found: Dataset %s:%s" % (project, ds))
        names = st.run_pipe(["tables"], st.warehouse).stdout.split()
        tables = [{"kind": "bigquery#table", "id": "%s:%s.%s" % (project, ds, t), "type": "TABLE",
                   "tableReference": {"projectId": project, "datasetId": ds, "tableId": t}}
                  for t in names if table_info(st, ds, t) is not None]
        return {"kind": "bigquery#tableList", "tables": tables, "totalItems": len(tables)}

    def table(self, st, project, ds, t, cmd):
        """https://cloud.google.com/bigquery/docs/reference/rest/v2/tables/get and delete"""
        info = table_info(st, ds, t)
        if info is None:
            raise Refusal(404, "notFound", "Not found: Table %s:%s.%s" % (project, ds, t))
        if cmd == "DELETE":
            run_sql(st, "DROP TABLE %s.%s" % (ds, t))
            st.generation += 1
            self.send(204, b"")
            return None
        res = {"kind": "bigquery#table", "id": "%s:%s.%s" % (project, ds, t), "type": "TABLE",
               "tableReference": {"projectId": project, "datasetId": ds, "tableId": t},
               "schema": rest_schema(info["columns"]), "numRows": str(info["rows"]),
               "numBytes": str(run_sql(st, "SELECT * FROM %s.%s" % (ds, t), True)
                               ["bytes_processed"]),
               "location": "US"}
        part = info["partition"] and re.fullmatch(
            r"(?:DATE\((\w+)\)|(?:TIMESTAMP|DATETIME|DATE)_TRUNC\((\w+), (\w+)\)|(\w+))",
            info["partition"])
        if part:
            g = part.groups()
            res["timePartitioning"] = {"type": g[2] or "DAY", "field": g[0] or g[1] or g[3]}
        if info["cluster"]:
            res["clustering"] = {"fields": info["cluster"]}
        return 200, res

    # -- control --

    def control(self, st, path):
        if path == "/_dump":
            jobs = [{"id": k[1], "project": k[0], "type": j["type"], "state": j["state"],
                     "sql": j["sql"], "statement": j["statement"], "error": j["error"],
                     "bytes_processed": j["processed"], "bytes_billed": j["billed"],
                     "cache_hit": j["cache_hit"], "output_rows": j["output_rows"]}
                    for k, j in st.jobs.items()]
            tables = st.run_pipe(["tables"], st.warehouse).stdout.split()
            return self.reply(200, {"jobs": jobs, "tables": tables,
                                    "datasets": sorted(d for _, d in st.datasets),
                                    "requests": st.routes, "settings": st.settings,
                                    "faults": st.faults, "fail_jobs": st.fail_jobs})
        try:
            c = json.loads(self.raw or b"{}")
            if c.get("reset"):
                st.settings = dict(DEFAULTS, page_size=st.default_page_size)
                st.faults, st.fail_jobs = [], []
                st.expire_after = None
            for f in (c["fault"] if isinstance(c.get("fault"), list) else [c["fault"]]) \
                    if "fault" in c else []:
                st.faults.append(dict(f, count=int(f.get("count", 1))))
            if "fail_job" in c:
                f = c["fail_job"]
                st.fail_jobs.append(dict(f, count=int(f.get("count", 1)),
                                         reason=f.get("reason", "invalidQuery"),
                                         message=f.get("message", "the job failed")))
            for k in ("running_polls", "skew_bytes", "page_size"):
                if k in c:
                    st.settings[k] = int(c[k])
            if "cache" in c:
                st.settings["cache"] = bool(c["cache"])
            if c.get("expire_tokens"):
                st.tokens = {}
            if "expire_tokens_after" in c:
                st.expire_after = int(c["expire_tokens_after"])
        except (ValueError, TypeError, KeyError, AttributeError) as e:
            return self.reply(400, {"error": "bad control request: %s" % e})
        self.reply(200, {"settings": st.settings, "faults": st.faults,
                         "fail_jobs": st.fail_jobs})


# upload.py answers with its own small error objects; BigQuery's have more
_upload_reply = upload.reply


def _bigquery_reply(h, code, obj, headers=()):
    if code >= 400 and isinstance(obj.get("error"), dict) and "status" not in obj["error"]:
        reason = {404: "notFound", 503: "backendError"}.get(code, "invalid")
        obj = Refusal(code, reason, obj["error"].get("message", "")).body()
    _upload_reply(h, code, obj, headers)


upload.reply = _bigquery_reply


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--pipe", required=True)
    ap.add_argument("--pubkey", required=True)
    ap.add_argument("--email", required=True)
    ap.add_argument("--dir")
    ap.add_argument("--log")
    ap.add_argument("--page-size", type=int, default=10)
    ap.add_argument("--dataset", action="append", default=[])
    ap.add_argument("--block-rows", type=int)
    ap.add_argument("--lifetime", type=float, default=600)
    a = ap.parse_args()
    srv = serving.Server(("127.0.0.1", 0), Handler)
    srv.state = State(a)
    # token_server.py's checks read these
    srv.pubkey, srv.email, srv.log = os.path.abspath(a.pubkey), a.email, None

    def stop(*_):
        if not a.dir:  # a directory of its own: it goes with the server
            shutil.rmtree(srv.state.dir, ignore_errors=True)
        os._exit(0)
    signal.signal(signal.SIGTERM, stop)
    serving.serve(srv, a.port_file, a.lifetime, stop)


if __name__ == "__main__":
    main()
