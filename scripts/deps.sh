#!/bin/sh
# deps.sh: install what gcbench needs to build, test and plot, from Debian's
# packages only.  Never prompts.  Run as root (or with sudo available).
#
# Not golang-go: Debian's is Go 1.19 and would shadow the machine's Go 1.26
# toolchain (/usr/local/go, `go env GOROOT`) that the `go` collector builds
# the workloads' Go twins with.  Without Go >= 1.26 on PATH that collector
# is listed as unavailable and its tests are skipped.
#
# clang and libclang-rt-14-dev (libFuzzer) build the fuzz target of
# tests/fuzz; without them its test is skipped.
#
# jq reads records in the sweep tests (tests/runner).
# slurm-wlm and munge: the local single-node cluster (scripts/slurm/
# cluster.sh) for `gcbench run --executor slurm` and its tests; nothing is
# started at install time.  Without them those tests are skipped.
set -e
pkgs="build-essential cmake pkg-config git
      liblua5.4-dev libhwloc-dev hwloc libjansson-dev libcmocka-dev
      libbenchmark-dev libgc-dev libmimalloc-dev libjemalloc-dev
      gnuplot-nox chromium
      clang libclang-rt-14-dev
      slurm-wlm munge jq"
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
# shellcheck disable=SC2086
$sudo apt-get install -y -q --no-install-recommends $pkgs
