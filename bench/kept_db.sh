# Sourced by the scripts that alternate `majlis` binaries on the database a
# `KEEP_DB=1 bash bench/service.sh` run leaves behind (majlis_bench): that database and the
# local Redis, a work folder removed at exit, and the service started as bench/service.sh
# starts it (rate limits raised, guests behind the trusted proxy at 127.0.0.1).
# The caller sets `port` and `namespace` (its Redis key prefix) first.
db_url="${PG:-postgres://postgres@127.0.0.1:5432}/majlis_bench"
redis_url="${REDIS_URL:-redis://127.0.0.1:6379}"
psql "$db_url" -Atc "SELECT 1 FROM articles WHERE site = 'demo' AND article_id = 'hot'" 2> /dev/null | grep -q 1 \
  || { echo "no bench database: run KEEP_DB=1 bash bench/service.sh first" >&2; exit 1; }
work="$(mktemp -d)"
server=""
cleanup() {
  [ -z "$server" ] || { kill -INT "$server" 2> /dev/null; wait "$server" 2> /dev/null || true; }
  redis-cli -u "$redis_url" --scan --pattern "$namespace*" | xargs -r -n 500 redis-cli -u "$redis_url" unlink > /dev/null
  rm -rf "$work"
}
trap cleanup EXIT
printf '[server]\ntrusted_proxies = ["127.0.0.1"]\n' > "$work/local.toml"

# start BINARY RUN: the service in the background (pid in `server`), Redis keys under
# "$namespace$RUN:", so each run's rate limits and filter counters start empty.
start() {
  MAJLIS_CONFIG_DIR="$work" MAJLIS__SERVER__PORT="$port" MAJLIS__DATABASE__URL="$db_url" \
    MAJLIS__REDIS__URL="$redis_url" MAJLIS__REDIS__NAMESPACE="$namespace$2:" \
    MAJLIS__LOG__LEVEL=warn \
    MAJLIS__SITES__DEMO__COMMENT_BURST=100000000 MAJLIS__SITES__DEMO__COMMENT_PER_MINUTE=100000000 \
    MAJLIS__SITES__DEMO__IP_BURST=100000000 MAJLIS__SITES__DEMO__IP_PER_MINUTE=100000000 \
    "$1" serve > "$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 200); do
    curl -fs "http://127.0.0.1:$port/healthz" > /dev/null && return 0
    sleep 0.1
  done
  cat "$work/server.log"; exit 1
}
stop() { kill -INT "$server"; wait "$server" 2> /dev/null || true; server=""; }

# alternate BINARY...: `run BINARY N` (the caller's function) for each binary in turn, ROUNDS
# times, N counting the runs (each its own Redis namespace); one line per run.
alternate() {
  local n=0 round bin
  for round in $(seq "${ROUNDS:-2}"); do
    for bin in "$@"; do
      n=$((n + 1))
      echo "round $round, $bin: $(run "$bin" "$n")"
    done
  done
}
