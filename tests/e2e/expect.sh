#!/bin/sh
# expect.sh STATUS PATTERN CMD...: run CMD; pass when it exits with STATUS
# and its combined output matches the extended regex PATTERN.
want=$1; pattern=$2; shift 2
out=$("$@" 2>&1); got=$?
printf '%s\n' "$out"
if [ "$got" != "$want" ]; then
  echo "expect.sh: exit status $got, expected $want: $*" >&2; exit 1
fi
if ! printf '%s\n' "$out" | grep -Eq -- "$pattern"; then
  echo "expect.sh: output does not match /$pattern/: $*" >&2; exit 1
fi
echo "expect.sh: ok (exit $got, output matches /$pattern/)"
