#!/bin/sh
# paper.sh GCBENCH OUT SCRIPT FIGURE ARGS... - runs scripts/paper/SCRIPT.lua
# at a tiny size (ARGS: the script's own arguments, its report folder is
# OUT/report) and checks that it exits 0 and drew its headline figure
# OUT/report/FIGURE.{png,svg}, and that gcb.report's report is there too.
# Functional only: the numbers are never looked at.  Skipped (77) without
# gnuplot.
gcbench=$1 out=$2 script=$3 fig=$4
shift 4
command -v gnuplot >/dev/null 2>&1 || { echo "paper.sh: skipped: gnuplot not installed"; exit 77; }
rm -rf "$out" && mkdir -p "$out" || exit 1
"$gcbench" run "$script" --out "$out/runs.jsonl" -- "$@" > "$out/stdout" 2> "$out/stderr" ||
  { echo "paper.sh: $script failed"; tail -20 "$out/stderr"; exit 1; }
for f in "$fig.png" "$fig.svg" "$fig.gp" report.md; do
  [ -s "$out/report/$f" ] || { echo "paper.sh: $out/report/$f missing"; tail -20 "$out/stderr"; exit 1; }
done
grep -q '<text' "$out/report/$fig.svg" || { echo "paper.sh: $fig.svg has no text"; exit 1; }
echo "paper.sh: ok ($script drew $fig)"
