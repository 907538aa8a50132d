#!/bin/sh
# layering.sh CORE_LIB MARKSWEEP_SO VARIANT_OBJECT... - the Go-like core's
# structure, checked on the built objects:
#  1. no cycle in the core's file call graph (a file of libgcb_gccore calls
#     a function defined in another; tsort finds any loop);
#  2. marksweep.so defines none of the external functions the variants'
#     objects define (arena, freetracked, ballast), i.e. the core never
#     names a variant (static helpers are file-local: only external names
#     could be called from the core).
set -eu
lib=$1 ms=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# member:symbol for definitions and for undefined references
nm -A "$lib" | awk -F'[: ]+' '$(NF-1) ~ /^[TD]$/ { print $2, $NF }' | sort -k2 >"$tmp/defs"
nm -A "$lib" | awk -F'[: ]+' '$(NF-1) == "U" { print $2, $NF }' | sort -k2 >"$tmp/refs"
join -1 2 -2 2 "$tmp/refs" "$tmp/defs" | awk '$2 != $3 { print $2, $3 }' | sort -u >"$tmp/edges"
if [ ! -s "$tmp/edges" ]; then
    echo "layering: no call edges found in $lib (nm output changed?)"
    exit 1
fi
if ! tsort "$tmp/edges" >/dev/null 2>"$tmp/loop"; then
    echo "layering: the core's call graph has a cycle:"
    cat "$tmp/loop"
    exit 1
fi
echo "layering: $(wc -l <"$tmp/edges") call edges between core files, no cycle"

nm "$@" | awk '$2 == "T" { print $3 }' | sort -u >"$tmp/variant"
if [ ! -s "$tmp/variant" ]; then
    echo "layering: no functions found in the variant objects"
    exit 1
fi
nm "$ms" | awk '$2 ~ /^[Tt]$/ { print $3 }' | sort -u >"$tmp/ms"
common=$(comm -12 "$tmp/variant" "$tmp/ms" | grep -v '^gcb_collector_entry$' || true)
if [ -n "$common" ]; then
    echo "layering: marksweep.so contains variant code:"
    echo "$common"
    exit 1
fi
echo "layering: marksweep.so holds none of the $(wc -l <"$tmp/variant") variant functions"
