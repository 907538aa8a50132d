#!/bin/sh
# sweep_jobs.sh GCBENCH TESTGC CHECKER DIR
# A gcb.sweep of 3 configurations x 4 repetitions with --jobs 2 gives the
# same keys and the same exact metrics (bytes_allocated, checksum) as
# serial gcb.run calls; every record is complete.  --jobs 3 on fewer than
# 3 cores is refused (exit 2) without running anything.
gcbench=$1 testgc=$2 checker=$3 dir=$4
here=$(dirname "$0")
a=$dir/sweep_jobs.jsonl b=$dir/sweep_serial.jsonl
rm -f "$a" "$b"
"$gcbench" run "$here/sweep.lua" --out "$a" --jobs 2 -- "$testgc" sweep || exit 1
"$gcbench" run "$here/sweep.lua" --out "$b" -- "$testgc" serial || exit 1
"$checker" "$a" ok ok ok ok ok ok ok ok ok ok ok ok || exit 1
"$checker" "$b" ok ok ok ok ok ok ok ok ok ok ok ok || exit 1
metrics() { jq -r '[.key, .bytes_allocated, .checksum] | @tsv' "$1" | sort; }
if ! metrics "$a" | cmp -s - "$(metrics "$b" > "$dir/sweep_serial.tsv"; echo "$dir/sweep_serial.tsv")"; then
  echo "sweep_jobs: --jobs 2 and serial records differ:" >&2
  metrics "$a" | diff - "$dir/sweep_serial.tsv" >&2
  exit 1
fi
[ "$(metrics "$a" | cut -f1 | sort -u | wc -l)" -eq 12 ] || { echo "sweep_jobs: not 12 distinct keys" >&2; exit 1; }
ncores=$(lscpu -p=CORE 2>/dev/null | grep -v '^#' | sort -u | wc -l)
if [ "$ncores" -lt 3 ]; then
  rm -f "$dir/sweep_refused.jsonl"
  "$gcbench" run "$here/sweep.lua" --out "$dir/sweep_refused.jsonl" --jobs 3 -- "$testgc" sweep 2>"$dir/sweep_refused.err"
  rc=$?
  [ "$rc" -eq 2 ] || { echo "sweep_jobs: --jobs 3 on $ncores cores exited $rc, expected 2" >&2; exit 1; }
  grep -q "share a core" "$dir/sweep_refused.err" || { cat "$dir/sweep_refused.err" >&2; exit 1; }
  [ ! -e "$dir/sweep_refused.jsonl" ] || { echo "sweep_jobs: refused run left a results file" >&2; exit 1; }
fi
echo "sweep_jobs: 12 keys, same metrics serial and --jobs 2"
