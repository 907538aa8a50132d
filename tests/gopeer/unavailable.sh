#!/bin/sh
# unavailable.sh GCBENCH SRCDIR - with no `go` on PATH, `gcbench list` shows
# the go collector as unavailable with the reason and a run on it is a
# request error (exit 2) giving that reason.
gcbench=$1 src=$2
list=$(PATH=/nonexistent "$gcbench" list) || { echo "list failed"; exit 1; }
echo "$list" | grep -A2 '^  go ' | grep -q 'UNAVAILABLE: no `go` command on PATH' ||
  { echo "unavailable.sh: list does not say go is unavailable:"; echo "$list" | grep -A3 '^  go '; exit 1; }
PATH=/nonexistent "$gcbench" list --json | grep -q '"unavailable": "no `go` command on PATH' ||
  { echo "unavailable.sh: list --json lacks the reason"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
err=$(PATH=/nonexistent "$gcbench" run "$src/fault.lua" --out "$tmp/r.jsonl" 2>&1)
rc=$?
echo "$err"
[ "$rc" -eq 2 ] || { echo "unavailable.sh: exit $rc, expected 2"; exit 1; }
echo "$err" | grep -q 'no `go` command on PATH' || { echo "unavailable.sh: no reason given"; exit 1; }
[ ! -s "$tmp/r.jsonl" ] || { echo "unavailable.sh: a record was written"; exit 1; }
echo "unavailable.sh: ok"
