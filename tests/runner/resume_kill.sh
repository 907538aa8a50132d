#!/bin/sh
# resume_kill.sh GCBENCH TESTGC CHECKER DIR [JOBS]
# SIGKILL `gcbench run` in the middle of a 12-run sweep, then --resume it:
# the records written before the kill are byte-for-byte the start of the
# final file, every key has exactly one ok record, gcbench says it reused
# exactly the runs written before the kill, and every record is complete.
gcbench=$1 testgc=$2 checker=$3 dir=$4 jobs=${5:-1}
here=$(dirname "$0")
out=$dir/resume_kill_$jobs.jsonl
rm -f "$out" "$out.before"
"$gcbench" run "$here/sweep.lua" --out "$out" --jobs "$jobs" -- "$testgc" sweep 0.15 2>/dev/null &
pid=$!
# Wait for 3 records (or the end of the run: then the test proves nothing).
i=0
while [ "$(cat "$out" 2>/dev/null | wc -l)" -lt 3 ]; do
  i=$((i + 1))
  [ $i -lt 600 ] || { echo "resume_kill: no records after 60 s" >&2; kill -9 $pid; exit 1; }
  kill -0 $pid 2>/dev/null || break
  sleep 0.1
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
before=$(wc -l < "$out")
if [ "$before" -ge 12 ]; then
  echo "resume_kill: the sweep ended before the kill" >&2
  exit 1
fi
cp "$out" "$out.before"
"$gcbench" run "$here/sweep.lua" --out "$out" --resume --jobs "$jobs" -- "$testgc" sweep 0.15 \
  2>"$dir/resume_kill_$jobs.err" || { cat "$dir/resume_kill_$jobs.err" >&2; exit 1; }
size=$(wc -c < "$out.before")
cmp -s -n "$size" "$out.before" "$out" || { echo "resume_kill: earlier records changed" >&2; exit 1; }
okbefore=$(jq -r 'select(.status == "ok") | .key' "$out.before" | wc -l)
grep -q "gcbench: $okbefore runs\? reused" "$dir/resume_kill_$jobs.err" || {
  echo "resume_kill: expected '$okbefore runs reused' in:" >&2; cat "$dir/resume_kill_$jobs.err" >&2; exit 1; }
keys=$(jq -r 'select(.status == "ok") | .key' "$out" | sort)
[ "$(echo "$keys" | wc -l)" -eq 12 ] || { echo "resume_kill: $(echo "$keys" | wc -l) ok records, expected 12" >&2; exit 1; }
[ "$(echo "$keys" | uniq | wc -l)" -eq 12 ] || { echo "resume_kill: a key twice" >&2; exit 1; }
"$checker" "$out" ok ok ok ok ok ok ok ok ok ok ok ok || exit 1
echo "resume_kill: killed after $before records, resumed: 12 keys once each"
