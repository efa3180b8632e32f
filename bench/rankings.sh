#!/usr/bin/env bash
# What a window's ranking costs Redis when every hour of the week has views: 169 hourly
# buckets of the site scope, each with 2,000 of 10,000 articles (the reads of a week on a
# large site), then `GET …/popular?window=7d` and `?window=24h` with the service's caches off
# (`popularity.cache_secs = 0`), so that every request computes its ranking. For each binary,
# alternated ROUNDS times: requests/s (wrk, 10 s, one connection: with more, the others would
# be served the last list while one computes) and Redis CPU per request (`INFO cpu` before and
# after). Runs on the database that `KEEP_DB=1 bash bench/service.sh` leaves behind
# (majlis_bench), for the articles' metadata.
#
#   ROUNDS=2 bash bench/rankings.sh /tmp/majlis-before target/release/majlis
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
[ $# -ge 1 ] || { echo "usage: $0 BINARY..." >&2; exit 2; }
port="${PORT:-18198}"
namespace="majlis-rankings:$$:"
source "$root/bench/kept_db.sh"
export MAJLIS__POPULARITY__CACHE_SECS=0

# fill RUN: the week's buckets under that run's namespace, hours counted as the service does.
fill() {
  redis-cli -u "$redis_url" --eval /dev/stdin , "$namespace$1:pop:{demo}:h:site:" "$(($(date +%s) / 3600))" \
    > /dev/null << 'LUA'
local prefix, last = ARGV[1], tonumber(ARGV[2])
math.randomseed(7)
for h = last - 168, last do
  local key = prefix .. h
  for _ = 1, 2000 do redis.call('ZINCRBY', key, math.random(1, 50), 'a' .. math.random(1, 10000)) end
  redis.call('EXPIRE', key, 7200)
end
LUA
}

redis_cpu() {
  redis-cli -u "$redis_url" info cpu | tr -d '\r' \
    | awk -F: '/^used_cpu_(user|sys):/ { s += $2 } END { printf "%.3f", s }'
}

# measure WINDOW: "N req/s, X ms of Redis CPU per request".
measure() {
  local url="http://127.0.0.1:$port/v1/sites/demo/popular?window=$1"
  curl -fs "$url" > /dev/null
  local before; before="$(redis_cpu)"
  wrk -t1 -c1 -d10s "$url" > "$work/wrk.txt"
  local after; after="$(redis_cpu)"
  awk -v b="$before" -v a="$after" '/requests in/ { n = $1 } /^Requests\/sec:/ { r = $2 }
    END { printf "%6.0f req/s, %.2f ms of Redis CPU per request", r, 1000 * (a - b) / n }' "$work/wrk.txt"
}

# run BINARY N: the N-th measurement, on its own filled namespace.
run() {
  fill "$2"
  start "$1" "$2"
  echo "7d $(measure 7d); 24h $(measure 24h)"
  stop
}

alternate "$@"
