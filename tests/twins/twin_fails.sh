#!/bin/sh
# twin_fails.sh GODIR WORKLOAD OPS THREADS [name=value ...]
#
# Passes (exit 0) when the Go twin's own validation fails the run
# (`gcbench-go check` exits 1 with a "failed: ..." message), e.g. with
# corrupt=true: the evidence that the twin's check bites.  Exits 77
# (CTest: skipped) when no Go >= 1.26 toolchain is on PATH.
set -u
godir=$1 workload=$2
shift 2
go_ok=$(go env GOVERSION 2>/dev/null | sed -n 's/^go1\.\([0-9][0-9]*\).*/\1/p')
if [ -z "$go_ok" ] || [ "$go_ok" -lt 26 ]; then
  echo "twin_fails.sh: skipped: no Go >= 1.26 on PATH (go env GOVERSION: $(go env GOVERSION 2>&1))"
  exit 77
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
(cd "$godir" && go build -o "$tmp/gcbench-go" .) || { echo "twin_fails.sh: go build failed"; exit 1; }
out=$("$tmp/gcbench-go" check "$workload" "$@" 2>&1)
rc=$?
echo "$out"
if [ "$rc" -ne 1 ] || ! printf '%s\n' "$out" | grep -q "^failed: $workload: "; then
  echo "twin_fails.sh: expected the twin's validation to fail (exit 1, 'failed: $workload: ...'), got exit $rc"
  exit 1
fi
echo "twin_fails.sh: ok (the twin's validation failed)"
