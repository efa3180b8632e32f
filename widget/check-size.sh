#!/usr/bin/env bash
# The widget's size budget (SPEC §7): embed.js + embed.css at most 25 KB gzipped. gzip's
# default level (6), not -9: closer to what a server compressing on the fly sends.
# Prints the sizes; fails when over budget.
set -euo pipefail
cd "$(dirname "$0")"
budget=$((25 * 1024))
js=$(gzip -c embed.js | wc -c)
css=$(gzip -c embed.css | wc -c)
total=$((js + css))
awk -v js="$js" -v css="$css" -v t="$total" -v b="$budget" 'BEGIN {
  printf "widget size (gzip): embed.js %d B + embed.css %d B = %d B (%.1f KB) of %d B (25 KB)\n", js, css, t, t / 1024, b }'
if [ "$total" -gt "$budget" ]; then
  echo "the widget is over its 25 KB gzipped budget" >&2
  exit 1
fi
