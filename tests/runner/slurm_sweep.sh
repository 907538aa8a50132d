#!/bin/sh
# slurm_sweep.sh GCBENCH TESTGC CHECKER DIR REPO
# On a local single-node Slurm (scripts/slurm/cluster.sh, started here and
# stopped at the end; skipped, exit 77, when it cannot start):
#  1. a 3 x 4 gcb.sweep with --executor slurm gives the same keys and exact
#     metrics (bytes_allocated, checksum) as serial gcb.run, each record
#     with slurm.{job_id, array_task_id, node};
#  2. a crashing and a timed-out task are recorded crashed / timeout, the
#     rest of the array's records are kept (slurm_crash.lua);
#  3. a task past Slurm's time limit (--time 1: a minute and more) is
#     recorded timeout from its Slurm state (slurm_timelimit.lua);
#  4. the array scancel'ed half-way: the cancelled tasks are recorded
#     crashed (CANCELLED), the finished ones kept; --resume then runs only
#     the missing ones: every key once, earlier records byte-for-byte kept.
gcbench=$1 testgc=$2 checker=$3 dir=$4 repo=$5
here=$(dirname "$0")
cluster=$repo/scripts/slurm/cluster.sh
sdir=$dir/slurm
command -v sbatch >/dev/null 2>&1 || { echo "SKIP: slurm-wlm is not installed (scripts/deps.sh)"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "SKIP: the local Slurm cluster needs root"; exit 77; }
if ! sh "$cluster" start "$sdir" >"$dir/slurm_start.log" 2>&1; then
  echo "SKIP: the local Slurm cluster did not start:"; cat "$dir/slurm_start.log"; exit 77
fi
trap 'sh "$cluster" stop "$sdir" >/dev/null 2>&1' EXIT
export SLURM_CONF=$sdir/slurm.conf
fail() { echo "slurm_sweep: $*" >&2; exit 1; }
metrics() { jq -r '[.key, .bytes_allocated, .checksum] | @tsv' "$1" | sort; }

# 1. Same keys and metrics as serial.
a=$dir/slurm_sweep.jsonl b=$dir/slurm_serial.jsonl
rm -rf "$a" "$a.slurm" "$b"
"$gcbench" run "$here/sweep.lua" --out "$a" --executor slurm -- "$testgc" sweep || fail "slurm sweep failed"
"$gcbench" run "$here/sweep.lua" --out "$b" -- "$testgc" serial || fail "serial run failed"
"$checker" "$a" ok ok ok ok ok ok ok ok ok ok ok ok || exit 1
metrics "$b" > "$dir/slurm_serial.tsv"
metrics "$a" | diff - "$dir/slurm_serial.tsv" >&2 || fail "slurm and serial records differ"
[ "$(jq -r 'select(.slurm.job_id != "" and .slurm.node != "") | .slurm.array_task_id' "$a" | sort -un | wc -l)" -eq 12 ] ||
  fail "records lack slurm.{job_id, array_task_id, node}"

# 2. Crash and timeout inside the array.
c=$dir/slurm_crash.jsonl
rm -rf "$c" "$c.slurm"
"$gcbench" run "$here/slurm_crash.lua" --out "$c" --executor slurm -- "$testgc"
[ $? -eq 1 ] || fail "slurm_crash.lua: expected exit 1 (some runs failed)"
"$checker" "$c" ok crashed timeout ok || exit 1

# 3. Slurm's time limit.
t=$dir/slurm_timelimit.jsonl
rm -rf "$t" "$t.slurm"
"$gcbench" run "$here/slurm_timelimit.lua" --out "$t" --executor slurm --time 1 -- "$testgc"
[ $? -eq 1 ] || fail "slurm_timelimit.lua: expected exit 1 (a run timed out)"
"$checker" "$t" timeout:TIMEOUT ok || exit 1

# 4. scancel half-way, then --resume.
k=$dir/slurm_cancel.jsonl
rm -rf "$k" "$k.slurm" "$k.before"
"$gcbench" run "$here/sweep.lua" --out "$k" --executor slurm -- "$testgc" sweep 0.3 any \
  2>"$dir/slurm_cancel.err" &
pid=$!
i=0
while [ "$(ls "$k.slurm"/*/task-*.json 2>/dev/null | wc -l)" -lt 4 ]; do
  i=$((i + 1)); [ $i -lt 600 ] || fail "no task finished in 60 s"
  sleep 0.1
done
job=$(sed -n 's/^gcbench: slurm job \([0-9]*\):.*/\1/p' "$dir/slurm_cancel.err" | head -1)
[ -n "$job" ] || fail "no job id in gcbench's output"
scancel "$job"
wait $pid
rc=$?
[ $rc -eq 1 ] || fail "cancelled sweep exited $rc, expected 1"
[ "$(wc -l < "$k")" -eq 12 ] || fail "cancelled sweep: $(wc -l < "$k") records, expected 12"
okb=$(jq -r 'select(.status == "ok") | .key' "$k" | wc -l)
[ "$okb" -ge 4 ] && [ "$okb" -lt 12 ] || fail "cancelled sweep: $okb ok records"
jq -r 'select(.status != "ok") | .error' "$k" | grep -q CANCELLED || fail "cancelled tasks not recorded as CANCELLED"
cp "$k" "$k.before"
"$gcbench" run "$here/sweep.lua" --out "$k" --executor slurm --resume -- "$testgc" sweep 0.3 \
  2>"$dir/slurm_resume.err" || { cat "$dir/slurm_resume.err" >&2; fail "resume failed"; }
grep -q "gcbench: $okb runs\? reused" "$dir/slurm_resume.err" || fail "expected '$okb runs reused'"
cmp -s -n "$(wc -c < "$k.before")" "$k.before" "$k" || fail "earlier records changed"
keys=$(jq -r 'select(.status == "ok") | .key' "$k" | sort)
[ "$(echo "$keys" | wc -l)" -eq 12 ] && [ "$(echo "$keys" | uniq | wc -l)" -eq 12 ] ||
  fail "after resume: not 12 ok keys once each"
echo "slurm_sweep: matches serial; crash/timeout kept; cancelled + resumed: 12 keys once each"
