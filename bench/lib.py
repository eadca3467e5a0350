"""Helpers shared by the benchmarks: timing and peak memory of a command."""
import os, shutil, statistics, subprocess, time


def run(argv, cwd, env=None, check=True):
    """Runs argv; returns (wall seconds, peak RSS in MB)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if check and code != 0:
        raise SystemExit("%s failed (exit %d) in %s:\n%s" % (" ".join(argv), code, cwd, err[-2000:]))
    return wall, ru.ru_maxrss / 1024.0


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
