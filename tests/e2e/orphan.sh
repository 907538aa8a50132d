#!/bin/sh
# orphan.sh GCBENCH WORKDIR: a run's child never outlives gcbench, enforces
# its own deadline, and a child killed by SIGKILL is recorded with its RSS.
G=$1; W=$2
mkdir -p "$W" && cd "$W" || exit 1
fail() { echo "orphan.sh: $*" >&2; exit 1; }
cat > long.lua <<'LUA'
gcb.run{collector = "nogc", workload = "builder", params = { writes = 100 }, duration = 60, timeout = 120}
LUA

# Wait (up to 20 s) for gcbench $1 to have a child; print its pid.
child_of() {
  i=0
  while [ $i -lt 200 ]; do
    c=$(pgrep -P "$1" -f __child | head -1)  # not a plugin probe
    [ -n "$c" ] && { echo "$c"; return 0; }
    sleep 0.1; i=$((i + 1))
  done
  return 1
}
# Wait (up to 10 s) for pid $1 to be gone (a zombie counts as gone: PID 1
# reaps orphans, maybe late).
gone() {
  i=0
  while case $(ps -o stat= -p "$1") in ""|Z*) false;; *) true;; esac; do
    [ $i -ge 100 ] && return 1
    sleep 0.1; i=$((i + 1))
  done
  return 0
}

for sig in KILL TERM; do
  "$G" run long.lua --out "orphan-$sig.jsonl" >/dev/null 2>&1 &
  parent=$!
  child=$(child_of $parent) || fail "no child of $parent"
  kill -s $sig $parent
  wait $parent 2>/dev/null
  gone "$child" || { kill -9 "$child"; fail "child $child outlived SIG$sig of gcbench"; }
  echo "SIG$sig of gcbench: its child $child ended too"
done

# The child alone (no parent watching) ends at its own deadline.
spec='{"collector":"nogc","options":{},"workload":"builder","params":{},"threads":1,"pin":"none","pus":[],"ops":0,"duration":60,"repeat":1,"timeout":1,"sample_hz":100,"record_latency":true,"repetition":0}'
start=$(date +%s)
echo "$spec" | "$G" __child 3>/dev/null
rc=$?
took=$(( $(date +%s) - start ))
[ $rc = 142 ] || fail "__child with timeout 1 s exited $rc after $took s (want SIGALRM, 142)"
[ $took -lt 30 ] || fail "__child with timeout 1 s ran $took s"
echo "__child ended itself at its deadline (exit $rc after ${took}s)"

# A child killed by SIGKILL from outside: its record names the signal and RSS.
"$G" run long.lua --out killed.jsonl > killed.out 2>&1 &
parent=$!
child=$(child_of $parent) || fail "no child of $parent"
sleep 1
kill -9 "$child"
wait $parent
rc=$?
[ $rc = 1 ] || fail "gcbench exited $rc after its child was killed (want 1)"
grep -q '"status":"crashed"' killed.jsonl || fail "no crashed record"
grep -Eq '"error":"child killed by signal 9 \(Killed\); last sampled RSS [0-9.]+ MiB' killed.jsonl ||
  fail "record does not name the signal and RSS: $(grep -o '"error":"[^"]*"' killed.jsonl)"
grep -o '"error":"[^"]*"' killed.jsonl
echo "orphan.sh: ok"
