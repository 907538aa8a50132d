#!/bin/sh
# html.sh REPORTDIR SHOT - renders REPORTDIR/report.html (written by
# figures.sh) in headless Chromium: the page must log no console message
# (errors and warnings show as CONSOLE lines with --enable-logging) and its
# DOM must hold every figure (one <figure id="fig-NAME"> per NAME.svg, each
# with its <svg>); a screenshot is saved to SHOT.  Skipped (77) without
# Debian's chromium (scripts/deps.sh installs it).
dir=$1 shot=$2
browser=$(command -v chromium || command -v chromium-browser)
[ -n "$browser" ] || { echo "html.sh: skipped: chromium not installed (scripts/deps.sh)"; exit 77; }
[ -s "$dir/report.html" ] || { echo "html.sh: $dir/report.html missing (run report.figures first)"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
page="file://$(cd "$dir" && pwd)/report.html"
# Without the background-networking flags Chromium's connections are refused here.
flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
  --disable-background-networking --disable-component-update --disable-sync
  --enable-logging=stderr --v=0"
# shellcheck disable=SC2086
timeout 120 "$browser" $flags --user-data-dir="$tmp/profile" --dump-dom "$page" \
  > "$tmp/dom.html" 2> "$tmp/log" || { echo "html.sh: chromium failed"; cat "$tmp/log"; exit 1; }
if grep -q 'CONSOLE' "$tmp/log"; then
  echo "html.sh: console messages:"; grep 'CONSOLE' "$tmp/log"; exit 1
fi
nfig=0
for svg in "$dir"/*.svg; do
  name=$(basename "$svg" .svg)
  grep -q "<figure id=\"fig-$name\"><svg" "$tmp/dom.html" ||
    grep -A1 "<figure id=\"fig-$name\">" "$tmp/dom.html" | grep -q '<svg' ||
    { echo "html.sh: figure $name missing from the rendered page"; exit 1; }
  nfig=$((nfig + 1))
done
[ "$nfig" -gt 0 ] || { echo "html.sh: no figures in $dir"; exit 1; }
grep -q '<h2 id="provenance">' "$tmp/dom.html" || { echo "html.sh: no provenance section"; exit 1; }
# shellcheck disable=SC2086
timeout 120 "$browser" $flags --user-data-dir="$tmp/profile2" --hide-scrollbars \
  --window-size=1400,2400 --screenshot="$shot" "$page" 2> "$tmp/log2" ||
  { echo "html.sh: screenshot failed"; cat "$tmp/log2"; exit 1; }
[ -s "$shot" ] || { echo "html.sh: no screenshot at $shot"; exit 1; }
echo "html.sh: ok ($nfig figures, screenshot $shot)"
