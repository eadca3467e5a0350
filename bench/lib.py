"""Helpers shared by the benchmarks: timing and peak memory of a command."""
import json, os, shutil, statistics, subprocess, tempfile, time

_rss_file = os.path.join(tempfile.gettempdir(), "pipe-bench-rss.%d" % os.getpid())


def run(argv, cwd, env=None, check=True, stdin=None):
    """Runs argv; returns (wall seconds, peak RSS in MB).

    The peak RSS comes from GNU time, a small C program that forks and
    execs: a child forked from Python would count Python's own pages in its
    peak.  Its own start-up (well under a millisecond) is in the wall time
    of every tool alike."""
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", _rss_file] + argv, cwd=cwd, env=env,
                       stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
    try:
        rss_kb = float(open(_rss_file).read().split()[-1])
    except (OSError, ValueError, IndexError):
        rss_kb = 0.0
    if check and p.returncode != 0:
        raise SystemExit("%s failed (exit %d) in %s:\n%s" % (" ".join(argv), p.returncode, cwd,
                                                           p.stderr.decode(errors="replace")[-2000:]))
    return wall, rss_kb / 1024.0


def wall(argv, cwd, env=None):
    """The wall time of one run, started with posix_spawn and nothing
    between: for a command of a few milliseconds, a wrapper's own start-up
    would be a large part of what is measured, for every tool alike."""
    devnull = os.open(os.devnull, os.O_RDWR)
    try:
        old = os.getcwd()
        os.chdir(cwd)
        try:
            t0 = time.perf_counter()
            pid = os.posix_spawnp(argv[0], argv, env if env is not None else os.environ,
                                  file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 0),
                                                (os.POSIX_SPAWN_DUP2, devnull, 1),
                                                (os.POSIX_SPAWN_DUP2, devnull, 2)])
            _, status = os.waitpid(pid, 0)
            w = time.perf_counter() - t0
        finally:
            os.chdir(old)
    finally:
        os.close(devnull)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("%s failed in %s" % (" ".join(argv), cwd))
    return w


def best(argv, cwd, repeat, env=None):
    """Median wall time over repeat runs after one warm-up (which also gives
    the peak RSS, through GNU time)."""
    _, rss = run(argv, cwd, env)
    walls = [wall(argv, cwd, env) for _ in range(repeat)]
    return statistics.median(walls), rss


def have(tool):
    return shutil.which(tool) is not None


def ms(s):
    return "%8.1f ms" % (s * 1000)


def sample_rows():
    """The 1,500 real taxi rows of pipelines/data/taxi/*.json (the 2019, 2021
    and 2023 Socrata samples) that the benchmarks repeat into their inputs."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    rows = []
    data = os.path.join(root, "pipelines", "data", "taxi")
    for name in sorted(os.listdir(data)):
        if name.endswith(".json"):
            rows.extend(json.load(open(os.path.join(data, name))))
    return rows
