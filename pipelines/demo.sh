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
# SCALE=N (`make demo SCALE=2000000`): the same steps, each timed, on N trips
# made from the real rows by pipelines/scale.py, in a project of its own,
# demo-N/ (the profile `scaled`), so that the checkout's own stays as it is.
set -e
cd "$(dirname "$0")/.."
PIPE=${PIPE:-./pipe}
SQL=pipelines/optimized_taxi_trips.sql
D=pipelines/data/taxi
PROFILE=offline

ms() { date +%s%N | cut -c1-13; }
if [ -t 1 ]; then bold='\033[1m' plain='\033[0m'; else bold= plain=; fi
step_t0=
took() { [ -z "$SCALE" ] || [ -z "$step_t0" ] || echo "(step: $(($(ms) - step_t0)) ms)"; }
step() { took; step_t0=$(ms); printf "\n$bold== %s$plain\n" "$*"; }

if [ -n "$SCALE" ]; then
	case $SCALE in
	'' | *[!0-9]*) echo "demo: SCALE=$SCALE: a number of trips (SCALE=2000000)" >&2; exit 2 ;;
	esac
	PIPE=$(cd "$(dirname "$PIPE")" && pwd)/$(basename "$PIPE")
	step "$SCALE trips from the 1,500 real ones: python3 pipelines/scale.py $SCALE demo-$SCALE/data"
	mkdir -p "demo-$SCALE"
	rm -rf "demo-$SCALE/pipelines"
	cp -r pipelines "demo-$SCALE/"
	python3 pipelines/scale.py "$SCALE" "demo-$SCALE/data"
	ls -l "demo-$SCALE"/data/*.json
	cd "demo-$SCALE"
	echo "the project: $(pwd)"
	D=data
	PROFILE=scaled
fi

step "pipe init, and the $PROFILE profile for this checkout"
$PIPE init
mkdir -p .pipe
echo offline > .pipe/profile
[ -z "$SCALE" ] || echo scaled > .pipe/profile
echo "profile: $(cat .pipe/profile) (in .pipe/profile; rm it to build from the live APIs)"

step "pipe build taxi_report   ($PROFILE: $D/*.json)"
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
took

