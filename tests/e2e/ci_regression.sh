#!/bin/sh
# ci_regression.sh GCBENCH SOURCE_DIR OUT_DIR: run the fixed CI suite and
# compare it with the committed baseline.  Only exact metrics (bytes and
# objects allocated, cycles of non-concurrent collectors) and newly failing
# runs fail; timing metrics are printed, never fatal (--timing-advisory),
# because CI machines are noisy.  Refresh the baseline as the README says.
set -e
gcbench=$1; src=$2; out=$3
new="$out/ci-suite.jsonl"
rm -f "$new"
"$gcbench" run "$src/scripts/ci/suite.lua" --out "$new"
"$gcbench" compare "$src/results/baselines/ci.jsonl" "$new" --timing-advisory > "$out/ci-compare.txt" || {
  status=$?; cat "$out/ci-compare.txt"; exit "$status"; }
tail -n 1 "$out/ci-compare.txt"
