#!/usr/bin/env python3
"""Runs the example of README.md's "A pipeline" section as written, in an
empty directory, and checks that each command prints what the README shows
(durations, commit ids and times aside).  Prints the transcript it got."""
import difflib, os, re, subprocess, sys

readme = open(os.path.join(os.environ["PIPE_ROOT"], "README.md")).read()
section = readme.split("## A pipeline", 1)[1]
block = section.split("```\n", 2)[1]

# "$ command" lines, a here-document's lines up to its EOF, then the output
steps, lines = [], block.splitlines()
i = 0
while i < len(lines):
    if not lines[i].startswith("$ "):
        sys.exit("README.md: output before any command: %r" % lines[i])
    cmd = [lines[i][2:]]
    i += 1
    if "<<'EOF'" in cmd[0]:
        while lines[i] != "EOF":
            cmd.append(lines[i]); i += 1
        cmd.append(lines[i]); i += 1
    out = []
    while i < len(lines) and not lines[i].startswith("$ "):
        out.append(lines[i]); i += 1
    steps.append(("\n".join(cmd), out))
if not any(c.startswith("pipe build") for c, _ in steps):
    sys.exit("README.md: the example has no pipe build")


def normal(text):
    text = re.sub(r"\b\d+ ms\b", "<dur>", text)
    text = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", "<time>", text)
    return re.sub(r"^[0-9a-f]{7} ", "<rev> ", text, flags=re.M)


os.mkdir("empty")
want, got = [], []
for cmd, out in steps:
    p = subprocess.run(["sh", "-c", cmd], cwd="empty", stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    want += ["$ " + cmd] + out
    got += ["$ " + cmd] + p.stdout.splitlines()
    if p.returncode:
        got.append("[exit %d]" % p.returncode)
print("\n".join(got))
diff = list(difflib.unified_diff(normal("\n".join(want)).splitlines(),
                                 normal("\n".join(got)).splitlines(), "README.md", "run", lineterm=""))
if diff:
    print("README.md's example differs from what it prints:\n" + "\n".join(diff))
    sys.exit(1)
print("README.md's example prints what it shows")
