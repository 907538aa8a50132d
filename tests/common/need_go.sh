# need_go.sh - sourced by test scripts that need the Go toolchain:
# `need_go_name=NAME; . need_go.sh` exits 77 (CTest: skipped) with the reason unless
# Go >= 1.26 is on PATH.
need_go_minor=$(go env GOVERSION 2>/dev/null | sed -n 's/^go1\.\([0-9][0-9]*\).*/\1/p')
if [ -z "$need_go_minor" ] || [ "$need_go_minor" -lt 26 ]; then
  echo "$need_go_name: skipped: no Go >= 1.26 on PATH (go env GOVERSION: $(go env GOVERSION 2>&1))"
  exit 77
fi
