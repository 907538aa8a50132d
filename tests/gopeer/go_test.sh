#!/bin/sh
# go_test.sh DIR - `go test` of the twins' package (workloads/go): the
# driver's histogram against harness/histogram.c's layout, and whatever
# tests the twins carry.  Skipped (77) without Go >= 1.26 on PATH.
minor=$(go env GOVERSION 2>/dev/null | sed -n 's/^go1\.\([0-9][0-9]*\).*/\1/p')
if [ -z "$minor" ] || [ "$minor" -lt 26 ]; then
  echo "go_test.sh: skipped: no Go >= 1.26 on PATH"; exit 77
fi
cd "$1" && GOTOOLCHAIN=local GOFLAGS= GOWORK=off GOPROXY=off exec go test -count=1 .
