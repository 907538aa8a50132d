#!/bin/sh
# twin_fails.sh GODIR WORKLOAD OPS THREADS [name=value ...]
#
# The Go twin (`gcbench-go check`) must fail its validation with a message
# for these params (corrupt = true, or a param the build cannot honour):
# exits 0 when it does, 1 when it passes or fails without a message.
# Exits 77 (CTest: skipped) when no Go >= 1.26 toolchain is on PATH.
set -u
godir=$1
shift
need_go_name=twin_fails.sh; . "$(dirname "$0")/../common/need_go.sh"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
(cd "$godir" && go build -o "$tmp/gcbench-go" .) || { echo "twin_fails.sh: go build failed"; exit 1; }
out=$("$tmp/gcbench-go" check "$@" 2>&1)
rc=$?
echo "Go twin (exit $rc): $out"
case $rc:$out in
  1:"failed: "?*) echo "twin_fails.sh: ok, the twin failed its validation"; exit 0 ;;
esac
echo "twin_fails.sh: the twin did not fail with a message"
exit 1
