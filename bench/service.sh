#!/usr/bin/env bash
# The service under load against its references (SPEC §10, issue 7). Builds --release, seeds a
# PostgreSQL database of its own (`majlis_bench`, dropped and created: 10,000 articles,
# 1,000,000 comments, a hot article with 100 comments; bench/seed.sql), starts `majlis serve`
# on it and on Redis (a namespace of its own, removed afterwards), and drives it on loopback
# with wrk, each run bounded in time. Beside each figure, its reference from the same run:
#   GET page / popular / related  ->  benches/reference_server.rs serving the same bytes
#   POST a comment                ->  pgbench inserting the same rows (same columns, indexes)
#   POST views                    ->  redis-benchmark -P 16 ZINCRBY
# then p50/p99 at half the peak rate of each read (oha -q), peak resident memory (VmHWM), and
# the scaling runs (comments per article, articles, instances).
#
#   bash bench/service.sh
#   DURATION=10 SHORT=5 CONNECTIONS=64 GUESTS=2000 THREADS=1 PG=postgres://postgres@127.0.0.1:5432 \
#     REDIS_URL=redis://127.0.0.1:6379 bash bench/service.sh
# SCALING=0 skips the scaling runs; PERF=1 prints a flat profile (perf) of the service in each
# main run;
# INSTALL_OHA=0 skips installing oha when missing (and the latency runs); KEEP_DB=1 keeps
# `majlis_bench` at exit and reuses a kept one instead of seeding again (the seed takes about
# 80 s; a reused database also holds the comments earlier runs posted).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
duration="${DURATION:-10}"
short="${SHORT:-5}"
connections="${CONNECTIONS:-64}"
guests="${GUESTS:-2000}"
threads="${THREADS:-1}"
pg="${PG:-postgres://postgres@127.0.0.1:5432}"
db="majlis_bench"
db_url="$pg/$db"
redis_url="${REDIS_URL:-redis://127.0.0.1:6379}"
hostport="${redis_url#redis://}"
redis_host="${hostport%%:*}"
redis_port="${hostport##*:}"
port="${PORT:-18090}"
port2=$((port + 1))
ref_port=$((port + 9))
prefix="majlis-bench-svc:$$:"
work="$(mktemp -d)"
# Readers reach the service through a proxy at 127.0.0.1 (as behind a load balancer), so each
# bench guest can come from its own address.
printf '[server]\ntrusted_proxies = ["127.0.0.1"]\n' > "$work/local.toml"
pids=()
# Extra headers of the wrk runs (none: wrk sends no Accept-Encoding, so nothing is compressed).
wrk_headers=()

sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
if ! command -v wrk > /dev/null; then
  echo "wrk is missing: installing it from Debian" >&2
  $sudo apt-get install -y -qq wrk > /dev/null || { $sudo apt-get update -qq && $sudo apt-get install -y -qq wrk > /dev/null; }
fi
if [ "${INSTALL_OHA:-1}" = 1 ] && ! command -v oha > /dev/null && ! [ -x "$HOME/.cargo/bin/oha" ]; then
  echo "oha is missing: cargo install oha (latency runs are skipped if it fails)" >&2
  timeout 1800 cargo install oha --locked --quiet || true
fi
oha="$(command -v oha || echo "$HOME/.cargo/bin/oha")"
[ -x "$oha" ] || oha=""

cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2> /dev/null || true; done
  redis-cli -h "$redis_host" -p "$redis_port" --scan --pattern "${prefix}*" \
    | xargs -r -n 500 redis-cli -h "$redis_host" -p "$redis_port" del > /dev/null
  [ "${KEEP_DB:-0}" = 1 ] || psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS $db" 2> /dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== build"
cargo build --release --locked --quiet --manifest-path "$root/Cargo.toml"
majlis="${CARGO_TARGET_DIR:-$root/target}/release/majlis"
reference="$(cargo bench --locked --quiet --no-run --bench reference_server --message-format=json \
  --manifest-path "$root/Cargo.toml" | jq -r 'select(.target.name == "reference_server" and .executable != null) | .executable')"

echo "== seed"
kept=0
[ "${KEEP_DB:-0}" = 1 ] && psql "$db_url" -Atc "SELECT 1 FROM articles LIMIT 1" 2> /dev/null | grep -q 1 && kept=1
[ "$kept" = 1 ] || psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" 2> /dev/null
MAJLIS__DATABASE__URL="$db_url" MAJLIS_CONFIG_DIR="$work" MAJLIS__LOG__LEVEL=warn "$majlis" migrate
if [ "$kept" = 1 ]; then
  seed_s="0 (kept from an earlier run)"
else
  seed_start="$(date +%s.%N)"
  psql "$db_url" -q -f "$root/bench/seed.sql"
  seed_s="$(awk -v s="$seed_start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')"
fi
echo "seeded in ${seed_s} s: $(psql "$db_url" -Atc "SELECT count(*) FROM articles") articles," \
  "$(psql "$db_url" -Atc "SELECT count(*) FROM comments") comments"

# start_service PORT NAMESPACE: in the background, its pid appended to `pids`.
start_service() {
  MAJLIS_CONFIG_DIR="$work" \
    MAJLIS__SERVER__PORT="$1" \
    MAJLIS__DATABASE__URL="$db_url" \
    MAJLIS__REDIS__URL="$redis_url" \
    MAJLIS__REDIS__NAMESPACE="$2" \
    MAJLIS__LOG__LEVEL=warn \
    MAJLIS__SITES__DEMO__COMMENT_BURST=100000000 \
    MAJLIS__SITES__DEMO__COMMENT_PER_MINUTE=100000000 \
    MAJLIS__SITES__DEMO__IP_BURST=100000000 \
    MAJLIS__SITES__DEMO__IP_PER_MINUTE=100000000 \
    "$majlis" serve >> "$work/server-$1.log" 2>&1 &
  pids+=($!)
  wait_up "$1" "$work/server-$1.log"
}
wait_up() {
  for _ in $(seq 200); do
    curl -fs "http://127.0.0.1:$1/healthz" > /dev/null && return 0
    sleep 0.1
  done
  cat "$2"; exit 1
}
stop() { kill -INT "$1" 2> /dev/null || true; wait "$1" 2> /dev/null || true; }

# The Lua scripts: views in bench/views.lua (readers of five articles each).
# Comments: GUESTS guests (their tokens, one per line, in the file given as `-- FILE`), each
# behind its own address (X-Forwarded-For from the trusted proxy at 127.0.0.1), each text a
# different draw of words, as comments from many readers are: one guest posting a thousand
# near-identical comments a second is a flood, and the filter classes it as spam.
cat > "$work/comments.lua" << 'LUA'
local threads = 0
function setup(thread) thread:set("tid", threads); threads = threads + 1 end
local words = { "الحكومة", "القرار", "الاقتصاد", "الأسعار", "المواطن", "الرواتب", "المدارس",
  "الطرق", "المستشفى", "البلدية", "الانتخابات", "البرلمان", "الوزير", "الميزانية", "الكهرباء",
  "المياه", "الشباب", "العمل", "الصحافة", "المنتخب", "المباراة", "المدرب", "الجمهور", "الموسم",
  "جيد", "متأخر", "ضروري", "واضح", "مفيد", "صعب", "أتفق", "أختلف", "ربما", "لكن", "أيضا",
  "أرجو", "شكرا", "للكاتب", "المقال", "التفاصيل" }
function init(args)
  n = 0
  math.randomseed(12345 + 7919 * tid)
  tokens = {}
  for line in io.lines(args[1]) do tokens[#tokens + 1] = line end
  wrk.method = "POST"
end
-- 0 to k - 1. (A hand-rolled LCG taken modulo k repeats its low bits: it reached a few
-- hundred of the guests, each of whom then posted fast enough to be classed as a flood.)
local function draw(k)
  return math.random(k) - 1
end
function request()
  n = n + 1
  local g = draw(#tokens) + 1
  local text = {}
  for i = 1, 12 do text[i] = words[draw(#words) + 1] end
  local body = '{"body":"تعليق للقياس: ' .. table.concat(text, " ") .. '","form_ms":6000}'
  -- wrk.format takes these headers instead of wrk.headers, not beside them.
  local headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Guest " .. tokens[g],
                    ["X-Forwarded-For"] = "10.7." .. math.floor(g / 256) .. "." .. (g % 256) }
  return wrk.format(nil, "/v1/sites/demo/articles/a" .. (1 + draw(10000)) .. "/comments", headers, body)
end
LUA

# rate URL [wrk args...]: requests/s of a wrk run (its output kept in $work/last.txt).
# With a SCRIPT: `rate URL SCRIPT ARG` (wrk takes the script's arguments after the URL).
rate() {
  local url="$1" script=()
  [ -z "${2:-}" ] || script=(-s "$2" "$url" -- "$3")
  [ -n "${2:-}" ] || script=("$url")
  local perf_pid=""
  if [ "${PERF:-0}" = 1 ] && [ -n "${profile:-}" ]; then
    perf record -F 499 -g -p "$server" -o "$work/perf-$profile.data" -- sleep "$run_s" > /dev/null 2>&1 &
    perf_pid=$!
  fi
  wrk -t"$threads" -c"$connections" -d"${run_s}s" --latency "${wrk_headers[@]}" "${script[@]}" > "$work/last.txt"
  if [ -n "$perf_pid" ]; then
    wait "$perf_pid" || true
    # A flat profile: where the service's CPU time went, by library and function.
    { echo "  profile of the service under $profile:"
      perf report -i "$work/perf-$profile.data" --no-children --sort dso,symbol -g none \
        --percent-limit 1.5 --stdio 2> /dev/null | grep -v '^#' | grep -v '^$' | head -25 \
        | sed 's/  *- *- *$//; s/  *$//; s/^/    /' | cut -c1-150
    } >&2
  fi
  local non2xx; non2xx="$(awk '/Non-2xx/ { print $NF }' "$work/last.txt")"
  [ -z "$non2xx" ] || echo "  ($url: $non2xx non-2xx answers)" >&2
  awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$work/last.txt"
}
# reference_rate FILE: the bare actix-web handler serving FILE's bytes.
reference_rate() {
  local profile=""
  "$reference" "$ref_port" "$1" > /dev/null 2>&1 &
  local ref=$!
  pids+=("$ref")
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$ref_port/" > /dev/null && break; sleep 0.1; done
  rate "http://127.0.0.1:$ref_port/"
  stop "$ref"
}
# latency URL RATE [ENCODING]: "p50 / p99" in ms at RATE requests/s with oha, which asks for
# gzip unless told ENCODING (identity: what wrk's runs measured).
latency() {
  [ -n "$oha" ] || { echo "n/a (no oha)"; return; }
  "$oha" -z "${run_s}s" -c "$connections" -q "$2" --latency-correction -H "Accept-Encoding: ${3:-gzip, deflate, br}" \
    --no-tui --output-format json "$1" > "$work/oha.json"
  jq -r '"\(.latencyPercentiles.p50 * 1000 | . * 100 | round / 100) / \(.latencyPercentiles.p99 * 1000 | . * 100 | round / 100) ms (\(.summary.requestsPerSec | round) req/s, success \(.summary.successRate))"' "$work/oha.json"
}
metric() { curl -fs "http://127.0.0.1:$1/metrics" | awk -v re="$2" '$0 ~ re { s += $2 } END { printf "%d", s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0) printf "%.1f%%", 100 * a / b; else printf "n/a" }'; }
results="$work/results.txt"
row() { printf '%-34s %12s %12s %8s\n' "$@" | tee -a "$results"; }

echo "== main runs (${duration} s each, ${connections} connections, ${threads} wrk thread(s))"
run_s="$duration"
ns="${prefix}main:"
start_service "$port" "$ns"
server="${pids[-1]}"
base="http://127.0.0.1:$port/v1/sites/demo"
page_url="$base/articles/hot/comments?limit=100"
popular_url="$base/popular"
related_url="$base/articles/a1/related"

row operation figure reference ratio
# Views first: they fill the rankings and co-reading the reads below serve.
profile="POST views"
views_start="$(date +%s.%N)"
views="$(rate "http://127.0.0.1:$port" "$root/bench/views.lua" 10000)"
requests="$(awk '/requests in/ { print $1 }' "$work/last.txt")"
non_2xx="$(awk '/Non-2xx/ { print $NF }' "$work/last.txt")"
accepted=$((requests - ${non_2xx:-0}))
for _ in $(seq 600); do
  [ "$(metric "$port" '^majlis_views_(total|lost_total)\\{')" -ge "$accepted" ] && break
  sleep 0.1
done
views_end="$(date +%s.%N)"
zincrby="$(redis-benchmark -h "$redis_host" -p "$redis_port" -P 16 -n 2000000 -r 100000 -q \
  zincrby "${prefix}zincrby" 1 "member:__rand_int__" | tr '\r' '\n' \
  | awk '/requests per second/ { for (i = 1; i <= NF; i++) if ($(i + 1) == "requests") v = $i } END { printf "%.0f", v }')"
row "POST views (answered)" "$views" "$zincrby" "$(ratio "$views" "$zincrby")"
# Recorded: counted in Redis per second from wrk's start until the batch had drained. Views
# beyond the batch's bound (answered faster than Redis records them) are lost, and counted.
recorded="$(awk -v c="$(metric "$port" '^majlis_views_total\\{counted="counted"')" -v s="$views_start" -v e="$views_end" \
  'BEGIN { printf "%.0f", c / (e - s) }')"
row "POST views (recorded)" "$recorded" "$zincrby" "$(ratio "$recorded" "$zincrby")"
echo "  views lost: $(metric "$port" '^majlis_views_lost_total\\{')"

for name in page popular related; do
  url_var="${name}_url"; url="${!url_var}"
  curl -fs "$url" > /dev/null; sleep 0.2
  curl -fs "$url" -o "$work/$name.json"
  echo "  $name: $(wc -c < "$work/$name.json") bytes" >&2
  profile="GET $name"
  figure="$(rate "$url")"
  declare "peak_$name=$figure"
  ref="$(reference_rate "$work/$name.json")"
  row "GET $name" "$figure" "$ref" "$(ratio "$figure" "$ref")"
  declare "ref_$name=$ref"
done
# Browsers send Accept-Encoding: the same reads as a browser asks for them (the service keeps
# each cached body compressed too), against the same references (plain bytes).
wrk_headers=(-H "Accept-Encoding: gzip, deflate, br")
for name in page popular related; do
  url_var="${name}_url"; ref_var="ref_$name"
  profile="GET $name, gzip"
  figure="$(rate "${!url_var}")"
  declare "peak_${name}_gzip=$figure"
  row "GET $name (Accept-Encoding: gzip)" "$figure" "${!ref_var}" "$(ratio "$figure" "${!ref_var}")"
done
wrk_headers=()

# Latency at half of each read's peak, right after the reads and with PostgreSQL at rest: the
# comment and pgbench runs (this run's or a previous run's on a kept database) leave it
# checkpointing and vacuuming a hundred thousand new rows for a minute, which would measure
# the database's housekeeping on the shared cores, not these reads.
settle_db() {
  psql "$db_url" -qc "CHECKPOINT" 2> /dev/null || true
  for _ in $(seq 120); do
    [ "$(psql "$db_url" -Atc "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'")" = 0 ] && return
    sleep 0.5
  done
}
settle_db
echo "== p50 / p99 at half the peak rate (oha -q, ${duration} s, ${connections} connections)" | tee -a "$results"
for name in page popular related; do
  url_var="${name}_url"; peak_var="peak_$name"
  half=$((${!peak_var} / 2))
  echo "GET $name at $half req/s: $(latency "${!url_var}" "$half" identity)" | tee -a "$results"
done
for name in page popular related; do
  url_var="${name}_url"; peak_var="peak_${name}_gzip"
  half=$((${!peak_var} / 2))
  echo "GET $name, gzip, at $half req/s: $(latency "${!url_var}" "$half")" | tee -a "$results"
done

# Comments: the guests first, each with its first comment (which gives its token).
new_guest() {
  curl -fs -X POST -H 'Content-Type: application/json' -H "X-Forwarded-For: 10.7.$(($1 / 256)).$(($1 % 256))" \
    -d "{\"body\":\"أول تعليق للقارئ $1\",\"author_name\":\"قارئ $1\",\"form_ms\":6000}" \
    "$2/articles/a9999/comments" | jq -r .guest_token
}
export -f new_guest
seq "$guests" | xargs -P 4 -I{} bash -c "new_guest {} $base" > "$work/tokens.txt"
[ "$(grep -c . "$work/tokens.txt")" = "$guests" ] || { echo "could not create $guests guests" >&2; exit 1; }
token="$work/tokens.txt"
before="$(psql "$db_url" -Atc "SELECT count(*) FROM comments")"
profile="POST a comment"
posts="$(rate "http://127.0.0.1:$port" "$work/comments.lua" "$token")"
profile=""
inserted=$(($(psql "$db_url" -Atc "SELECT count(*) FROM comments") - before))
echo "  comments inserted: $inserted; by status: $(psql "$db_url" -Atc \
  "SELECT string_agg(status || ' ' || n, ', ') FROM (SELECT status, count(*) n FROM comments
   WHERE body LIKE 'تعليق للقياس%' GROUP BY status) s")" >&2
# pgbench: the same INSERT (the row of a service-written comment: its verdict, an ip hash,
# a UUIDv7 id) into a table with the same columns, constraints and indexes, durable commits.
psql "$db_url" -qc "DROP TABLE IF EXISTS bench_comments" \
  -c "CREATE TABLE bench_comments (LIKE comments INCLUDING ALL)"
# The row's own values go in as pgbench variables (bind parameters): the verdict's JSON
# would otherwise be read for `:name` variables.
IFS='|' read -r author verdict ip_hash < <(psql "$db_url" -Atc "SELECT author_id, verdict, ip_hash
  FROM comments WHERE body LIKE 'تعليق للقياس%' LIMIT 1")
cat > "$work/insert.sql" << 'SQL'
\set n random(1, 1000000000)
INSERT INTO bench_comments (id, site, article_id, parent_id, depth, author_id, body, lang, status, verdict, ip_hash, created_at, masked_body) VALUES ((lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || '7' || substr(md5(:n::text), 1, 3) || '8' || substr(md5(:n::text), 4, 15))::uuid, 'demo', 'a' || (1 + :n % 10000), NULL, 0, :author::uuid, 'تعليق للقياس ' || :n || ': أظن أن الخبر يحتاج إلى مصادر أخرى قبل الحكم عليه، رقم ' || :n, NULL, 'published', :verdict, :ip_hash, clock_timestamp(), NULL);
SQL
# Twice: with wrk's connection count (the ratio's reference), and with the service's pool size
# (what PostgreSQL sees from the service). A failure (PostgreSQL's max_connections is shared
# with whatever else runs) is printed, not fatal.
pg_pool="$(awk -F' *= *' '/^max_connections/ { print $2 }' "$root/config/default.toml")"
pgbench_tps() {
  pgbench -n -M prepared -c "$1" -j "$threads" -T "$run_s" -f "$work/insert.sql" \
    -D author="$author" -D verdict="$verdict" -D ip_hash="$ip_hash" "$db_url" \
    2> "$work/pgbench.err" | awk '/^tps/ { printf "%.0f", $3 }' || true
  [ ! -s "$work/pgbench.err" ] || { grep -v NOTICE "$work/pgbench.err" | head -3 >&2 || true; }
}
pgbench_pool="$(pgbench_tps "$pg_pool")"
pgbench_rate="$(pgbench_tps "$connections")"
echo "  pgbench with ${pg_pool} clients (the service's pool): ${pgbench_pool:-n/a} tps" | tee -a "$results"
row "POST a comment" "$posts" "${pgbench_rate:-n/a}" "$(ratio "$posts" "${pgbench_rate:-0}")"

echo "peak resident memory (VmHWM): $(awk '/VmHWM/ { printf "%.1f MB", $2 / 1024 }' "/proc/$server/status")" \
  | tee -a "$results"
stop "$server"

if [ "${SCALING:-1}" = 1 ]; then
  run_s="$short"
  echo "== scaling (${short} s runs)" | tee -a "$results"
  start_service "$port" "${prefix}scale:"
  server="${pids[-1]}"
  for n in 10 100 1000; do
    url="$base/articles/s$n/comments?limit=100"
    curl -fs "$url" > /dev/null
    echo "GET page, $n comments on the article: $(rate "$url") req/s ($(curl -fs "$url" | wc -c) bytes)" \
      | tee -a "$results"
  done
  stop "$server"
  for n in 1000 10000 100000; do
    if [ "$n" = 100000 ]; then
      psql "$db_url" -qc "INSERT INTO articles (site, article_id, title, url, section, lang, created_at, updated_at)
        SELECT 'demo', 'a' || g, 'مقال ' || g, 'https://example.com/a' || g, 's' || g % 10, 'ar',
               timestamptz '2026-11-01', timestamptz '2026-11-01' FROM generate_series(10001, 100000) g" -c "ANALYZE articles"
    fi
    start_service "$port" "${prefix}articles$n:"
    server="${pids[-1]}"
    rate "http://127.0.0.1:$port" "$root/bench/views.lua" "$n" > /dev/null
    sleep 1
    curl -fs "$popular_url" > /dev/null
    echo "$n articles (views over all of them): GET popular $(rate "$popular_url") req/s," \
      "GET page of a500 $(rate "$base/articles/a500/comments?limit=100") req/s" | tee -a "$results"
    stop "$server"
  done
  # Instances: two wrk processes of half the connections each, against one instance or two.
  half_c=$((connections / 2))
  two() {
    local a="$1" b="$2" sa=() sb=()
    if [ -n "${3:-}" ]; then sa=(-s "$3" "$a" -- "$4"); sb=(-s "$3" "$b" -- "$4"); else sa=("$a"); sb=("$b"); fi
    wrk -t1 -c"$half_c" -d"${short}s" "${sa[@]}" > "$work/w1.txt" &
    local w=$!
    wrk -t1 -c"$half_c" -d"${short}s" "${sb[@]}" > "$work/w2.txt"
    wait "$w"
    cat "$work/w1.txt" "$work/w2.txt" | awk '/^Requests\/sec:/ { s += $2 } END { printf "%.0f", s }'
  }
  start_service "$port" "${prefix}inst:"
  start_service "$port2" "${prefix}inst:"
  one_page="$(two "$page_url" "$page_url")"
  one_post="$(two "http://127.0.0.1:$port" "http://127.0.0.1:$port" "$work/comments.lua" "$token")"
  two_page="$(two "$page_url" "${page_url/:$port/:$port2}")"
  two_post="$(two "http://127.0.0.1:$port" "http://127.0.0.1:$port2" "$work/comments.lua" "$token")"
  echo "1 instance:  GET page $one_page req/s, POST comment $one_post req/s" | tee -a "$results"
  echo "2 instances: GET page $two_page req/s, POST comment $two_post req/s" | tee -a "$results"
fi

echo
echo "== results (seeded in ${seed_s} s; load average $(cut -d' ' -f1-3 /proc/loadavg))"
cat "$results"
