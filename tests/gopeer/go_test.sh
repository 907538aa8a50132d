#!/bin/sh
# go_test.sh DIR - `go test` of the twins' package (workloads/go): the
# driver's histogram against harness/histogram.c's layout, and whatever
# tests the twins carry.  Skipped (77) without Go >= 1.26 on PATH.
need_go_name=go_test.sh; . "$(dirname "$0")/../common/need_go.sh"
cd "$1" && GOTOOLCHAIN=local GOFLAGS= GOWORK=off GOPROXY=off exec go test -count=1 .
