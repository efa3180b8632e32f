#!/usr/bin/env bash
# Browser tests of the widget: playwright-core drives Debian's Chromium against the service
# binary, started on a free port in a temporary folder (SQLite, in-process state) with a test
# configuration (see below). Installs what is missing: Chromium (apt) and playwright-core (npm,
# from the committed package-lock.json).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

if [ ! -x /usr/bin/chromium ]; then
  apt-get install -y chromium || { apt-get update && apt-get install -y chromium; }
fi
if [ ! -d "$here/node_modules/playwright-core" ]; then
  (cd "$here" && npm ci --no-audit --no-fund)
fi

cargo build --locked --quiet --manifest-path "$root/Cargo.toml"
binary="${CARGO_TARGET_DIR:-$root/target}/debug/majlis"

work="$(mktemp -d)"
mkdir -p "$work/config"
# The demo site as shipped, with room for a test run's posts from one address, thresholds
# that hold only what the models are sure of (as the API tests do), and no minimum form
# time (a test types faster than a person), and an SSO secret the tests sign readers' tokens
# with; `held` pre-moderates everything.
export MAJLIS_TEST_SSO_SECRET="browser-tests-sso-$RANDOM$RANDOM"
cat >"$work/config/browser.toml" <<TOML
[comments]
min_form_ms = 0

# Rankings recomputed every second, so a test sees its own views (ignored before the
# popularity branch is merged).
[popularity]
cache_secs = 1

[sites.demo]
ip_burst = 1000
ip_per_minute = 1000
comment_burst = 100
comment_per_minute = 100
abuse_hold_threshold = 0.95
spam_hold_threshold = 0.95
sso_secret = "$MAJLIS_TEST_SSO_SECRET"

[sites.held]
name = "held"
lang = "ar"
origins = ["http://127.0.0.1:*"]
guests = true
premod = "all"
edit_window_secs = 900
report_threshold = 3
comment_per_minute = 100
comment_burst = 100
ip_per_minute = 1000
ip_burst = 1000
TOML

cd "$work"
MAJLIS_CONFIG_DIR="$work/config" MAJLIS_ENV=browser MAJLIS__SERVER__PORT=0 MAJLIS__LOG__FORMAT=json \
  "$binary" >"$work/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
port=""
# Bounded wait for the line that names the bound port.
for _ in $(seq 1 600); do
  port="$(grep -o '"port":[0-9]*' "$work/log" 2>/dev/null | head -1 | cut -d: -f2 || true)"
  [ -n "$port" ] && break
  kill -0 $pid 2>/dev/null || break
  sleep 0.1
done
[ -n "$port" ] || { echo "the service did not start" >&2; cat "$work/log" >&2; exit 1; }

cd "$here"
MAJLIS_URL="http://127.0.0.1:$port" node --test --test-concurrency=1 --test-reporter=spec "$@" widget.test.mjs
