#!/bin/sh
# figures.sh GCBENCH DIR OUT - runs figures.lua (2 workloads x 3 collectors)
# and `gcbench report --format html` on its records into OUT/report; then
# every figure's SVG must name every collector and hold no "g<N>" label,
# and report.html must hold a <figure> per SVG.  Skipped (77) without
# gnuplot.  html.sh renders OUT/report/report.html afterwards.
gcbench=$1 dir=$2 out=$3
command -v gnuplot >/dev/null 2>&1 || { echo "figures.sh: skipped: gnuplot not installed"; exit 77; }
rm -rf "$out" && mkdir -p "$out" || exit 1
"$gcbench" run "$dir/figures.lua" --out "$out/runs.jsonl" || { echo "figures.sh: runs failed"; exit 1; }
grep -q '"provenance":{"gcbench_version":"[^"]' "$out/runs.jsonl" ||
  { echo "figures.sh: records file lacks provenance"; exit 1; }
"$gcbench" report "$out/runs.jsonl" --out "$out/report" --format html || { echo "figures.sh: report failed"; exit 1; }
n=0
for f in throughput pause_cdf mmu rss_0 rss_1; do
  svg="$out/report/$f.svg"
  [ -s "$svg" ] || { echo "figures.sh: $svg missing"; exit 1; }
  for c in marksweep malloc freetracked; do
    grep -q ">$c<" "$svg" || { echo "figures.sh: $f.svg does not name $c"; exit 1; }
  done
  for w in builder binarytrees; do
    case $f in rss_*) continue;; esac
    grep -q ">$w<" "$svg" || { echo "figures.sh: $f.svg has no panel titled $w"; exit 1; }
  done
  if grep -Eq '>g[0-9]+<' "$svg"; then echo "figures.sh: $f.svg has a g<N> label"; exit 1; fi
  grep -q "<figure id=\"fig-$f\">" "$out/report/report.html" || { echo "figures.sh: report.html lacks $f"; exit 1; }
  n=$((n + 1))
done
if grep -q '| g[0-9]' "$out/report/report.md"; then echo "figures.sh: report.md has g<N> labels"; exit 1; fi
echo "figures.sh: ok ($n figures)"
