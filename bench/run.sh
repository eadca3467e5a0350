#!/bin/sh
# make bench: every bench/<name>/run, or those named in $BENCH (e.g. BENCH=noop).
# Each prints its figures beside the tools a user would pick instead, with ratios.
set -e
cd "$(dirname "$0")/.."
mkdir -p bench/out
for run in bench/*/run; do
	name=$(basename "$(dirname "$run")")
	if [ -n "$BENCH" ] && ! echo " $BENCH " | grep -q " $name "; then
		continue
	fi
	echo "== bench/$name"
	"$run"
	echo
done
