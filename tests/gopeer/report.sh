#!/bin/sh
# report.sh GCBENCH DIR OUT - go records (null fields with reasons) go
# through `gcbench report` and `gcbench compare` like any: report writes its
# table with a go row; compare of two go runs with themselves finds no
# regression (their allocation counts are approximate, so compared as
# timing).  Skipped (77) without Go >= 1.26.
gcbench=$1 dir=$2 out=$3
need_go_name=report.sh; . "$(dirname "$0")/../common/need_go.sh"
rm -rf "$out" && mkdir -p "$out" || exit 1
"$gcbench" run "$dir/report.lua" --out "$out/go.jsonl" || { echo "report.sh: runs failed"; exit 1; }
"$gcbench" report "$out/go.jsonl" --out "$out/report" --no-plots || { echo "report.sh: report failed"; exit 1; }
grep -q '^| *go' "$out/report/report.md" || grep -q 'go{' "$out/report/report.md" ||
  { echo "report.sh: no go row in report.md"; cat "$out/report/report.md"; exit 1; }
"$gcbench" compare "$out/go.jsonl" "$out/go.jsonl" --timing-advisory > "$out/compare.txt"
rc=$?
cat "$out/compare.txt"
[ "$rc" -eq 0 ] || { echo "report.sh: compare of go runs with themselves: exit $rc"; exit 1; }
grep -q 'bytes_allocated' "$out/compare.txt" || { echo "report.sh: compare lacks bytes_allocated"; exit 1; }
if grep -A3 '^bytes_allocated' "$out/compare.txt" | grep -q 'exact'; then
  echo "report.sh: go's bytes_allocated was compared as exact"; exit 1
fi
echo "report.sh: ok"
