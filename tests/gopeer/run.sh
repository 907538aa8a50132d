#!/bin/sh
# run.sh GCBENCH SCRIPT OUT WANT_EXIT CHECKER EXPECT...
#
# Runs SCRIPT (the go peer collector) into a fresh OUT, requires exit status
# WANT_EXIT, then checks every record of OUT with CHECKER OUT EXPECT... (the
# schema checks of C records, tests/runner/check_records.c).  Exits 77
# (CTest: skipped) without a Go >= 1.26 toolchain on PATH.
gcbench=$1 script=$2 out=$3 want=$4 checker=$5
shift 5
need_go_name=gopeer/run.sh; . "$(dirname "$0")/../common/need_go.sh"
rm -f "$out"
"$gcbench" run "$script" --out "$out"
got=$?
if [ "$got" -ne "$want" ]; then
  echo "gopeer/run.sh: $script exited $got, expected $want" >&2
  exit 1
fi
exec "$checker" "$out" "$@"
