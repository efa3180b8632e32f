#!/usr/bin/env bash
# View beacons under load (SPEC §10: ≥ 30% of redis-benchmark pipelined ZINCRBY on the same
# Redis). Builds --release, starts the service on Redis (its own namespace) and SQLite in a
# temporary folder, drives `POST /v1/sites/demo/articles/{id}/views` with wrk on loopback
# (every request a distinct reader, over 50 articles), then runs redis-benchmark's pipelined
# ZINCRBY on the same Redis, and prints both rates and their ratio.
#
#   bash bench/beacons.sh                       # Redis at redis://127.0.0.1:6379
#   REDIS_URL=redis://host:6379 DURATION=10 CONNECTIONS=64 THREADS=1 bash bench/beacons.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
redis_url="${REDIS_URL:-redis://127.0.0.1:6379}"
duration="${DURATION:-10}"
connections="${CONNECTIONS:-64}"
threads="${THREADS:-1}"
port="${PORT:-18089}"
zincrby_n="${ZINCRBY_N:-2000000}"
hostport="${redis_url#redis://}"
redis_host="${hostport%%:*}"
redis_port="${hostport##*:}"

if ! command -v wrk > /dev/null; then
  echo "wrk is missing: installing it from Debian" >&2
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get install -y -qq wrk > /dev/null || { $sudo apt-get update -qq && $sudo apt-get install -y -qq wrk > /dev/null; }
fi

cargo build --release --locked --quiet --manifest-path "$root/Cargo.toml"
majlis="${CARGO_TARGET_DIR:-$root/target}/release/majlis"
work="$(mktemp -d)"
namespace="majlis-bench:$$:"
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2> /dev/null && wait "$server" 2> /dev/null
  redis-cli -h "$redis_host" -p "$redis_port" --scan --pattern "${namespace}*" \
    | xargs -r -n 500 redis-cli -h "$redis_host" -p "$redis_port" del > /dev/null
  redis-cli -h "$redis_host" -p "$redis_port" del "${namespace}zincrby" > /dev/null
  rm -rf "$work"
}
trap cleanup EXIT

MAJLIS_CONFIG_DIR="$work" \
  MAJLIS__SERVER__PORT="$port" \
  MAJLIS__DATABASE__URL="sqlite://$work/majlis.db" \
  MAJLIS__REDIS__URL="$redis_url" \
  MAJLIS__REDIS__NAMESPACE="$namespace" \
  MAJLIS__LOG__LEVEL=warn \
  "$majlis" serve > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$port/healthz" > /dev/null && break
  sleep 0.1
done
curl -fs "http://127.0.0.1:$port/healthz" > /dev/null || { cat "$work/server.log"; exit 1; }

metric() { curl -fs "http://127.0.0.1:$port/metrics" | awk -v re="$1" '$0 ~ re { s += $2 } END { printf "%d", s }'; }
# Where the CPU goes: the flush script's time inside Redis (INFO commandstats), and the CPU
# seconds of Redis (INFO cpu) and of the service (/proc) over the run.
redis_info() { redis-cli -h "$redis_host" -p "$redis_port" info "$1" | tr -d '\r'; }
script_usec() { redis_info commandstats | awk -F'[=,]' '/^cmdstat_evalsha:/ { print $4 }'; }
redis_cpu() { redis_info cpu | awk -F: '/^used_cpu_(sys|user):/ { s += $2 } END { printf "%.2f", s }'; }
service_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$server/stat"; }
# The whole machine's busy CPU (user, nice, system, irq, softirq; not idle, iowait or steal):
# what is neither the service nor Redis is wrk and the kernel's work for it.
machine_cpu() { awk -v hz="$(getconf CLK_TCK)" '/^cpu / { printf "%.2f", ($2 + $3 + $4 + $7 + $8) / hz }' /proc/stat; }
script_usec_0="$(script_usec)"; redis_cpu_0="$(redis_cpu)"; service_cpu_0="$(service_cpu)"; machine_cpu_0="$(machine_cpu)"
start="$(date +%s.%N)"
# Every request a new reader (counted, not a duplicate), over 50 articles.
wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -s "$root/bench/views.lua" \
  "http://127.0.0.1:$port" -- 50 1 | tee "$work/wrk.txt"
views_per_s="$(awk '/^Requests\/sec:/ { print $2 }' "$work/wrk.txt")"
requests="$(awk '/requests in/ { print $1 }' "$work/wrk.txt")"
non_2xx="$(awk '/Non-2xx/ { print $NF }' "$work/wrk.txt")"
accepted=$((requests - ${non_2xx:-0}))
# The beacons are answered before they are recorded: wait until every accepted view has been
# flushed (counted, duplicate or lost), and time the recording from wrk's start to then.
for _ in $(seq 600); do
  flushed="$(metric '^majlis_views_(total|lost_total)\\{')"
  [ "$flushed" -ge "$accepted" ] && break
  sleep 0.1
done
end="$(date +%s.%N)"
script_usec_1="$(script_usec)"; redis_cpu_1="$(redis_cpu)"; service_cpu_1="$(service_cpu)"; machine_cpu_1="$(machine_cpu)"
counted="$(metric '^majlis_views_total\\{counted="counted"')"
lost="$(metric '^majlis_views_lost_total\\{')"
flushes="$(metric '^majlis_view_flush_batch_size_count')"
recorded_per_s="$(awk -v c="$counted" -v s="$start" -v e="$end" 'BEGIN { printf "%.0f", c / (e - s) }')"
kill -INT "$server"; wait "$server" 2> /dev/null || true; server=""

reference="$(redis-benchmark -h "$redis_host" -p "$redis_port" -P 16 -n "$zincrby_n" -r 100000 -q \
  zincrby "${namespace}zincrby" 1 "member:__rand_int__" | tr '\r' '\n' \
  | awk '/requests per second/ { for (i = 1; i <= NF; i++) if ($(i + 1) == "requests") v = $i } END { print v }')"

echo
echo "answered: ${views_per_s} beacons/s (${requests} in ${duration} s, ${connections} connections, ${threads} wrk thread(s); non-2xx: ${non_2xx:-0})"
echo "recorded: ${recorded_per_s} views/s (${counted} counted in Redis by $(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", e - s }') s, ${flushes} round trips; lost: ${lost})"
awk -v s="$start" -v e="$end" -v u0="${script_usec_0:-0}" -v u1="${script_usec_1:-0}" -v c="$counted" \
  -v r0="$redis_cpu_0" -v r1="$redis_cpu_1" -v m0="$service_cpu_0" -v m1="$service_cpu_1" \
  -v t0="$machine_cpu_0" -v t1="$machine_cpu_1" -v a="$accepted" \
  'BEGIN { d = e - s; printf "CPU:      flush script %.1f us per counted view inside Redis; over the run, in %% of a core: Redis %.0f, the service %.0f (%.1f us per answered beacon), the rest (wrk, kernel) %.0f\n",
           (u1 - u0) / (c > 0 ? c : 1), 100 * (r1 - r0) / d, 100 * (m1 - m0) / d, 1e6 * (m1 - m0) / (a > 0 ? a : 1),
           100 * ((t1 - t0) - (r1 - r0) - (m1 - m0)) / d }'
echo "ZINCRBY:  ${reference} ops/s (redis-benchmark -P 16 -n ${zincrby_n}, same Redis)"
awk -v v="$views_per_s" -v c="$recorded_per_s" -v r="$reference" \
  'BEGIN { printf "ratio:    answered %.1f%%, recorded %.1f%% of ZINCRBY (target >= 30%%)\n", 100 * v / r, 100 * c / r }'
