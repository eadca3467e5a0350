#!/usr/bin/env python3
"""Writes the same graph of N command targets for pipe, ninja and make.

Target i copies source file src/i.txt plus the output of target i//2 (a
tree, so most targets have a target input and a file input, as in a real
pipeline).  Usage: gen.py N DIR
"""
import os, sys

n, root = int(sys.argv[1]), sys.argv[2]
os.makedirs(os.path.join(root, "src"), exist_ok=True)
os.makedirs(os.path.join(root, "pipelines"), exist_ok=True)
for i in range(n):
    with open(os.path.join(root, "src", "%d.txt" % i), "w") as f:
        f.write("row %d\n" % i)

def deps(i):
    d = ["src/%d.txt" % i]
    if i:
        d.append("t%d" % (i // 2))
    return d

with open(os.path.join(root, "pipelines", "bench.pipe"), "w") as f:
    for i in range(n):
        f.write("command t%d: %s\n  run = cat $in > $out\n" % (i, " ".join(deps(i))))

with open(os.path.join(root, "build.ninja"), "w") as f:
    f.write("rule cat\n  command = cat $in > $out\n")
    for i in range(n):
        ins = ["src/%d.txt" % i] + (["out/t%d" % (i // 2)] if i else [])
        f.write("build out/t%d: cat %s\n" % (i, " ".join(ins)))
    f.write("default %s\n" % " ".join("out/t%d" % i for i in range(n)))

with open(os.path.join(root, "Makefile"), "w") as f:
    f.write("all: %s\n" % " ".join("mk/t%d" % i for i in range(n)))
    f.write("mk:\n\tmkdir -p mk\n")
    for i in range(n):
        ins = ["src/%d.txt" % i] + (["mk/t%d" % (i // 2)] if i else [])
        f.write("mk/t%d: %s | mk\n\tcat %s > $@\n" % (i, " ".join(ins), " ".join(ins)))
