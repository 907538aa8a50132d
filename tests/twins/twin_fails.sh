#!/bin/sh
# twin_fails.sh GODIR WORKLOAD OPS THREADS [name=value ...]
#
# The Go twin (`gcbench-go check`) must fail its validation, with a
# message, for these params (tests pass corrupt=true): the evidence that
# the twin's check bites.  Exits 0 when it does, 1 when the twin passes (or
# stops any other way), 77 (CTest: skipped) without Go >= 1.26 on PATH.
set -u
godir=$1 workload=$2 ops=$3 threads=$4
shift 4
go_ok=$(go env GOVERSION 2>/dev/null | sed -n 's/^go1\.\([0-9][0-9]*\).*/\1/p')
if [ -z "$go_ok" ] || [ "$go_ok" -lt 26 ]; then
  echo "twin_fails.sh: skipped: no Go >= 1.26 on PATH (go env GOVERSION: $(go env GOVERSION 2>&1))"
  exit 77
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
(cd "$godir" && go build -o "$tmp/gcbench-go" .) || { echo "twin_fails.sh: go build failed"; exit 1; }
out=$("$tmp/gcbench-go" check "$workload" "$ops" "$threads" "$@" 2>&1)
rc=$?
echo "Go twin (exit $rc): $out"
case $rc:$out in
  1:failed:\ ?*) echo "twin_fails.sh: ok, the twin failed validation"; exit 0 ;;
  0:*) echo "twin_fails.sh: the twin passed; expected a validation failure"; exit 1 ;;
  *) echo "twin_fails.sh: the twin stopped without a validation message"; exit 1 ;;
esac
