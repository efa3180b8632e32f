#!/usr/bin/env bash
# POST a comment, binary against binary: alternates the given `majlis` binaries on the bench
# database and prints each run's rate and PostgreSQL's CPU per comment, then the medians.
# Needs the database a `KEEP_DB=1 bash bench/service.sh` run leaves behind (`majlis_bench`).
# Each run: the service on that database and the local Redis (a namespace of its own) with
# the bench's settings, then `wrk` with bench/service.sh's comment script (the same guests,
# bodies and addresses) for DURATION seconds.
#
#   cp target/release/majlis /tmp/majlis-before   # … change, rebuild …
#   bash bench/compare_comments.sh /tmp/majlis-before target/release/majlis
#   ROUNDS=5 DURATION=10 GUESTS=2000 bash bench/compare_comments.sh A B C
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rounds="${ROUNDS:-3}"
duration="${DURATION:-10}"
guests="${GUESTS:-2000}"
port="${PORT:-18190}"
[ "$#" -ge 1 ] || { echo "usage: $0 BINARY [BINARY …]" >&2; exit 2; }
namespace="majlis-compare:$$:"
source "$root/bench/kept_db.sh"
# The comment script of bench/service.sh, as it is there.
awk '/^cat > "\$work\/comments.lua"/ { on = 1; next } on && /^LUA$/ { on = 0 } on' \
  "$root/bench/service.sh" > "$work/comments.lua"

# PostgreSQL's CPU (clock ticks) over its processes; the service's connections live through a run.
pg_ticks() {
  for p in $(pgrep -x postgres); do awk '{ print $14 + $15 }' "/proc/$p/stat" 2> /dev/null; done \
    | awk '{ s += $1 } END { print s + 0 }'
}

# The guests, once, by the first binary (their tokens are signed with the database's key).
start "$1" guests
for i in $(seq "$guests"); do
  curl -fs -X POST -H 'Content-Type: application/json' -H "X-Forwarded-For: 10.7.$((i / 256)).$((i % 256))" \
    -d "{\"body\":\"أول تعليق للقارئ $i\",\"author_name\":\"قارئ $i\",\"form_ms\":6000}" \
    "http://127.0.0.1:$port/v1/sites/demo/articles/a9999/comments" | jq -r .guest_token
done > "$work/tokens.txt"
stop
hz="$(getconf CLK_TCK)"

for round in $(seq "$rounds"); do
  for bin in "$@"; do
    start "$bin" "$round"
    pg0="$(pg_ticks)"
    rate="$(wrk -t1 -c64 -d"${duration}s" -s "$work/comments.lua" "http://127.0.0.1:$port" -- "$work/tokens.txt" \
      | awk '/^Requests\/sec:/ { print $2 }')"
    pg1="$(pg_ticks)"
    stop
    per="$(awk -v t="$((pg1 - pg0))" -v hz="$hz" -v r="$rate" -v d="$duration" \
      'BEGIN { printf "%.2f", 1000 * t / hz / (r * d) }')"
    echo "$bin	$round	$rate	$per" | tee -a "$work/runs.tsv"
  done
done
echo
echo "binary	median req/s	median PostgreSQL CPU per comment (ms)"
for bin in "$@"; do
  awk -F'\t' -v b="$bin" '$1 == b { r[++n] = $3; c[n] = $4 }
    function median(a, n,   i, j, t) {
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    END { printf "%s\t%.0f\t%.2f\n", b, median(r, n), median(c, n) }' "$work/runs.tsv"
done
