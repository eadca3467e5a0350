"""Helpers shared by the benchmarks: timing and peak memory of a command."""
import os, shutil, statistics, subprocess, tempfile, time

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


def best(argv, cwd, repeat, env=None):
    """Median wall time and the largest peak RSS over repeat runs, after one warm-up."""
    run(argv, cwd, env)
    walls, rss = [], 0.0
    for _ in range(repeat):
        w, r = run(argv, cwd, env)
        walls.append(w)
        rss = max(rss, r)
    return statistics.median(walls), rss


def have(tool):
    return shutil.which(tool) is not None


def ms(s):
    return "%8.1f ms" % (s * 1000)
