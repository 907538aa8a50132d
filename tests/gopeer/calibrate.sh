#!/bin/sh
# calibrate.sh GCBENCH SCRIPTS OUT - scripts/calibrate.lua end to end on
# one workload at its `tiny` size, one repetition (a smoke test: no figure
# is judged here, the ratios of one tiny repetition mean nothing): it runs
# (exit 0, every ratio inside, or 1, some outside; never 2, a script
# error), configures the model with the twin's own globals, runtime heap
# and runtime heap's unused span bytes (the report's table holds the go
# probes' numbers, not `default`), runs Go both plain and with
# gcpacertrace, and writes calibrate.md with the GOGC table.  Skipped (77) without
# Go >= 1.26.
gcbench=$1 scripts=$2 out=$3
need_go_name=calibrate.sh; . "$(dirname "$0")/../common/need_go.sh"
rm -rf "$out" && mkdir -p "$out" || exit 1
"$gcbench" run "$scripts/calibrate.lua" --out "$out/runs.jsonl" -- 1 tiny "$out/report" bytesbuffer \
  > "$out/stdout.txt" 2> "$out/stderr.txt"
rc=$?
if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
  echo "calibrate.sh: exit $rc (want 0 or 1)"; cat "$out/stderr.txt"; exit 1
fi
md=$out/report/calibrate.md
[ -s "$md" ] || { echo "calibrate.sh: no $md"; exit 1; }
row=$(grep '^| bytesbuffer |' "$md" | grep -E '^\| bytesbuffer \| [0-9]+ \| [0-9]+ \| [0-9]+ \|$')
[ -n "$row" ] || { echo "calibrate.sh: no globals/runtime_heap/runtime_unused row with the probes' numbers"; grep -A4 'runtime_heap' "$md"; exit 1; }
echo "calibrate.sh: $row"
grep -q 'GOGC 100' "$md" || { echo "calibrate.sh: no GOGC 100 row"; exit 1; }
# Go runs plain and with gcpacertrace (whose lines are written inside its
# pauses): the pacer-view rows read the latter, the others the former.
plain=$(grep -c '"name":"go".*"pacertrace":false' "$out/runs.jsonl")
traced=$(grep -c '"name":"go".*"pacertrace":true' "$out/runs.jsonl")
[ "$traced" -gt 0 ] && [ "$plain" -gt "$traced" ] ||
  { echo "calibrate.sh: go runs plain $plain, with pacertrace $traced (want both; more plain, as the probes are plain)"; exit 1; }
grep -q '^| heap goal per cycle (Go: pacertrace runs) |' "$md" &&
  grep -q '^| GC CPU share (+-30 %) |' "$md" ||
  { echo "calibrate.sh: rows do not say which go runs they compare with"; grep '^| ' "$md" | cut -c1-60; exit 1; }
echo "calibrate.sh: ok (exit $rc)"
