#!/bin/sh
# run_check.sh GCBENCH SCRIPT OUT WANT_EXIT TESTGC CHECKER EXPECT...
# Runs SCRIPT with TESTGC as arg[1] into a fresh OUT, requires exit status
# WANT_EXIT, then checks every record of OUT with CHECKER OUT EXPECT...
gcbench=$1 script=$2 out=$3 want=$4 testgc=$5 checker=$6
shift 6
rm -f "$out"
"$gcbench" run "$script" --out "$out" -- "$testgc"
got=$?
if [ "$got" -ne "$want" ]; then
  echo "run_check: $script exited $got, expected $want" >&2
  exit 1
fi
exec "$checker" "$out" "$@"
