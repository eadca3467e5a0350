#!/usr/bin/env python3
"""Runs every test and ends with 'N passed, N failed' alone on a line.

Suites:
  unit  BUILD/tests/test_*       C unit tests; each prints 'ok NAME' / 'not ok NAME: why'
  e2e   tests/e2e/<case>/        a project (DAG files, data) + `cmds` + `expected`
  other tests/*/suite            any executable printing 'ok NAME' / 'not ok NAME: why'
  fuzz  BUILD/fuzz/<name>        a fuzz harness replaying tests/fuzz/corpus/<name>

An e2e case: its files are copied into a fresh directory, which becomes the
project root.  Each line of `cmds` (lines ending in \\ continue) runs with sh;
its output (stdout and stderr together) is recorded after a '$ command' line,
and a non-zero exit adds '[exit N]'.  The record, normalised (durations become
<dur>, ISO times <time>, the project path $ROOT, plus the case's own `filter`
lines 'REGEX<TAB>REPLACEMENT'), must equal `expected`.  UPDATE=1 rewrites
`expected` from the run instead (review the diff before committing it).

Usage: tests/run.py [--build DIR] [-j N] [NAME-SUBSTRING ...]
"""
import os, re, shutil, subprocess, sys, tempfile, concurrent.futures as cf

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def parse_args(argv):
    build, jobs, only = "build", os.cpu_count() or 2, []
    i = 0
    while i < len(argv):
        if argv[i] == "--build":
            build = argv[i + 1]; i += 2
        elif argv[i] == "-j":
            jobs = int(argv[i + 1]); i += 2
        else:
            only.append(argv[i]); i += 1
    return os.path.join(ROOT, build), jobs, only


def parse_tap(text):
    results = []
    for line in text.splitlines():
        if line.startswith("ok "):
            results.append((True, line[3:].strip(), ""))
        elif line.startswith("not ok "):
            name, _, why = line[7:].partition(":")
            results.append((False, name.strip(), why.strip()))
    return results


def run_program(label, argv, env, timeout=300, cwd=None):
    try:
        p = subprocess.run(argv, env=env, cwd=cwd or ROOT, capture_output=True,
                           text=True, errors="replace", timeout=timeout)
        out = p.stdout + p.stderr
        code = p.returncode
    except subprocess.TimeoutExpired as e:
        return [(False, label, "timed out after %ds" % timeout)], ""
    res = [(ok, "%s/%s" % (label, n), why) for ok, n, why in parse_tap(p.stdout)]
    if code != 0 and all(ok for ok, _, _ in res):
        res.append((False, label, "exited %d\n%s" % (code, out[-3000:])))
    if not res:
        res.append((False, label, "printed no results\n%s" % out[-3000:]))
    # the failing lines' detail lines follow them in stdout
    detail = {}
    cur = None
    for line in p.stdout.splitlines():
        if line.startswith("not ok "):
            cur = line[7:].partition(":")[0].strip(); detail[cur] = [line]
        elif line.startswith("ok "):
            cur = None
        elif cur:
            detail[cur].append(line)
    res = [(ok, n, "\n".join(detail.get(n.split("/", 1)[-1], [why])) if not ok else why)
           for ok, n, why in res]
    return res, out


DUR = re.compile(r"\b\d+(\.\d+)?\s?(ms|s|us|µs|min)\b")
ISO = re.compile(r"\b\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)?")


def normalise(text, root, filters):
    text = text.replace(root, "$ROOT")
    text = ISO.sub("<time>", text)
    text = DUR.sub("<dur>", text)
    for pat, rep in filters:
        text = re.sub(pat, rep, text, flags=re.M)
    return text


def run_e2e(case, build, env):
    src = os.path.join(ROOT, "tests", "e2e", case)
    tmp = tempfile.mkdtemp(prefix="pipe-e2e-")
    proj = os.path.join(tmp, "p")
    shutil.copytree(src, proj, symlinks=True)
    filters = []
    fpath = os.path.join(src, "filter")
    if os.path.exists(fpath):
        for line in open(fpath):
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                pat, _, rep = line.partition("\t")
                filters.append((pat, rep))
    lines, cur = [], ""
    for raw in open(os.path.join(src, "cmds")):
        raw = raw.rstrip("\n")
        if raw.endswith("\\"):
            cur += raw[:-1] + "\n"; continue
        cur += raw
        if cur.strip() and not cur.lstrip().startswith("#"):
            lines.append(cur)
        cur = ""
    record = []
    e = dict(env)
    e["HOME"] = tmp
    e["PROJECT"] = proj
    for cmd in lines:
        record.append("$ " + cmd)
        try:
            p = subprocess.run(["sh", "-c", cmd], cwd=proj, env=e, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               timeout=120)
            out = p.stdout.decode("utf-8", "replace")
            code = p.returncode
        except subprocess.TimeoutExpired:
            out, code = "(timed out)\n", -1
        record.append(out.rstrip("\n") if out.strip() else None)
        if code != 0:
            record.append("[exit %d]" % code)
    got = "\n".join(r for r in record if r is not None) + "\n"
    got = normalise(got, proj, filters)
    exp_path = os.path.join(src, "expected")
    if os.environ.get("UPDATE") == "1":
        open(exp_path, "w").write(got)
        shutil.rmtree(tmp, ignore_errors=True)
        return [(True, "e2e/" + case, "")]
    expected = open(exp_path).read() if os.path.exists(exp_path) else ""
    if got == expected:
        shutil.rmtree(tmp, ignore_errors=True)
        return [(True, "e2e/" + case, "")]
    import difflib
    diff = "".join(difflib.unified_diff(expected.splitlines(True), got.splitlines(True),
                                        "expected", "got"))
    return [(False, "e2e/" + case, "output differs (project kept in %s)\n%s" % (proj, diff))]


def main():
    build, jobs, only = parse_args(sys.argv[1:])
    env = dict(os.environ)
    env["PATH"] = build + os.pathsep + env.get("PATH", "")
    env["PIPE"] = os.path.join(build, "pipe")
    env["PIPE_ROOT"] = ROOT
    env["TZ"] = "UTC"
    env["LC_ALL"] = "C"
    env.pop("PIPE_COLOR", None)
    jobs_list = []
    tdir = os.path.join(build, "tests")
    if os.path.isdir(tdir):
        for f in sorted(os.listdir(tdir)):
            path = os.path.join(tdir, f)
            if f.startswith("test_") and os.access(path, os.X_OK) and not f.endswith((".d", ".o")):
                jobs_list.append(("unit/" + f[5:], lambda p=path, f=f: run_program("unit/" + f[5:], [p], env,
                                                                                  timeout=600)[0]))
    fdir = os.path.join(build, "fuzz")
    if os.path.isdir(fdir):
        for f in sorted(os.listdir(fdir)):
            path = os.path.join(fdir, f)
            corpus = os.path.join(ROOT, "tests", "fuzz", "corpus", f)
            if os.access(path, os.X_OK) and not f.endswith((".d", ".o")):
                jobs_list.append(("fuzz/" + f, lambda p=path, c=corpus: run_program("fuzz", [p, c], env)[0]))
    e2e = os.path.join(ROOT, "tests", "e2e")
    if os.path.isdir(e2e):
        for case in sorted(os.listdir(e2e)):
            if os.path.exists(os.path.join(e2e, case, "cmds")):
                jobs_list.append(("e2e/" + case, lambda c=case: run_e2e(c, build, env)))
    for d in sorted(os.listdir(os.path.join(ROOT, "tests"))):
        suite = os.path.join(ROOT, "tests", d, "suite")
        if os.path.isfile(suite) and os.access(suite, os.X_OK):
            jobs_list.append((d, lambda s=suite, d=d: run_program(d, [s], env, timeout=600)[0]))
    if only:
        jobs_list = [j for j in jobs_list if any(o in j[0] for o in only)]
    passed = failed = 0
    with cf.ThreadPoolExecutor(max_workers=jobs) as ex:
        futures = [(name, ex.submit(fn)) for name, fn in jobs_list]
        for name, fut in futures:
            try:
                results = fut.result()
            except Exception as exc:
                results = [(False, name, "runner error: %r" % exc)]
            for ok, n, why in results:
                if ok:
                    passed += 1
                    print("ok     %s" % n)
                else:
                    failed += 1
                    print("FAILED %s\n  %s" % (n, why.replace("\n", "\n  ")))
            sys.stdout.flush()
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
