#!/bin/sh
# same_work.sh GCBENCH GODIR WORKLOAD OPS THREADS [name=value ...]
#
# The C workload (on nogc, through `gcbench run`) and its Go twin
# (`gcbench-go check`) must compute the same checksum for the same params,
# seed, threads and ops: the evidence that the two did the same work.
# Exits 77 (CTest: skipped) when no Go >= 1.26 toolchain is on PATH.
set -u
gcbench=$1 godir=$2 workload=$3 ops=$4 threads=$5
shift 5
need_go_name=same_work.sh; . "$(dirname "$0")/../common/need_go.sh"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
(cd "$godir" && go build -o "$tmp/gcbench-go" .) || { echo "same_work.sh: go build failed"; exit 1; }

params=""
for kv in "$@"; do
  k=${kv%%=*} v=${kv#*=}
  case $v in
    true|false|[0-9]*) params="$params $k = $v," ;;
    *) params="$params $k = \"$v\"," ;;
  esac
done
cat > "$tmp/run.lua" <<LUA
local r = gcb.run{ collector = "nogc", workload = "$workload", params = {$params},
                   ops = $ops, threads = $threads, pin = "none" }
print("C-CHECKSUM " .. tostring(r[1].checksum) .. " " .. r[1].status)
LUA
c=$("$gcbench" run "$tmp/run.lua" --out "$tmp/r.jsonl" 2>&1) || { echo "$c"; echo "same_work.sh: C run failed"; exit 1; }
c_sum=$(printf '%s\n' "$c" | sed -n 's/^C-CHECKSUM \([^ ]*\) ok$/\1/p')
go_sum=$("$tmp/gcbench-go" check "$workload" "$ops" "$threads" "$@" 2>&1)
echo "C workload: $c_sum"
echo "Go twin:    $go_sum"
if [ -z "$c_sum" ] || [ "$c_sum" = nil ]; then
  echo "same_work.sh: the C workload wrote no checksum"; exit 1
fi
[ "$c_sum" = "$go_sum" ] || { echo "same_work.sh: checksums differ"; exit 1; }
echo "same_work.sh: ok"
