#!/bin/sh
# list.sh GCBENCH DIR - `gcbench list` shows go with its options (text), and
# the catalog has it typed (list.lua).  Runs with or without Go.
gcbench=$1 dir=$2
text=$("$gcbench" list) || { echo "list.sh: gcbench list failed"; exit 1; }
block=$(echo "$text" | sed -n '/^  go /,/^  [a-z]/p')
[ -n "$block" ] || { echo "list.sh: no go in gcbench list"; exit 1; }
for o in gogc memlimit gomaxprocs experiment ballast; do
  echo "$block" | grep -q "^    $o " || { echo "list.sh: go lacks option $o:"; echo "$block"; exit 1; }
done
echo "$block" | grep -Eq '^    (version: go1\.|UNAVAILABLE: )' || { echo "list.sh: neither version nor reason"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
"$gcbench" run "$dir/list.lua" --out "$tmp/r.jsonl" || exit 1
echo "list.sh: ok"
