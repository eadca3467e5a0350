#!/bin/sh
# `make demo`: the taxi homework, offline, in the repository root (which is
# a pipe project: pipelines/, targets/, state/).  The snapshots read the real
# samples in pipelines/data through file: URLs instead of the live API: the
# demo chooses the profile `offline` of pipelines/profiles for this checkout
# (.pipe/profile), so that a plain `pipe build` afterwards stays offline too.
#   1. pipe build taxi_report: fetch, load, the seed's table, the report;
#   2. the same again: nothing to do;
#   3. an edit to the SQL of optimized_taxi_trips: it and the report rebuild,
#      then the edit is undone (and they come back from the cache);
#   4. git -C state log: each build, with its reasons;
#   5. the crypto homework, offline too;
#   6. the taxi report's answer again, last, where it is seen.
set -e
cd "$(dirname "$0")/.."
PIPE=${PIPE:-./pipe}
SQL=pipelines/optimized_taxi_trips.sql
D=pipelines/data/taxi

if [ -t 1 ]; then
	step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
else
	step() { printf '\n== %s\n' "$*"; }
fi
ms() { date +%s%N | cut -c1-13; }

step "pipe init, and the offline profile for this checkout"
$PIPE init
mkdir -p .pipe
echo offline > .pipe/profile
echo "profile: $(cat .pipe/profile) (in .pipe/profile; rm it to build from the live APIs)"

step "pipe build taxi_report   (offline: $D/*.json)"
$PIPE build taxi_report

step "the answer: bytes processed, before and after"
awk '/^## Bytes processed/ { on = 1; next } /^## / { on = 0 } on && /^(\*\*|\|)/' targets/taxi_report/report.md
echo "The report: $(pwd)/targets/taxi_report.html"
echo "       and: $(pwd)/targets/taxi_report/report.md"

step "pipe build taxi_report, again"
t0=$(ms)
$PIPE build taxi_report
echo "($(($(ms) - t0)) ms)"

step "edit $SQL: CLUSTER BY VendorID, PULocationID"
backup=$(mktemp)
cp "$SQL" "$backup"
trap 'cp "$backup" "$SQL"; rm -f "$backup"' EXIT INT TERM
sed 's/^CLUSTER BY VendorID AS$/CLUSTER BY VendorID, PULocationID AS/' "$backup" > "$SQL"
$PIPE build taxi_report

step "undo the edit: the seed's statement again"
cp "$backup" "$SQL"
$PIPE build taxi_report

step "git -C state log -n 3"
git -C state --no-pager log -n 3 --format='%h %s%n%b'

step "the crypto homework, offline too: pipe build crypto_report"
$PIPE build crypto_report
echo "The report: $(pwd)/targets/crypto_report.html"

step "the taxi homework's answer: bytes processed, before and after"
awk '/^## Bytes processed/ { on = 1; next } /^## / { on = 0 } on && /^(\*\*|\|)/' targets/taxi_report/report.md
echo "Open $(pwd)/targets/taxi_report.html (Markdown: targets/taxi_report/report.md)"
