#!/usr/bin/env bash
# A private three-master Redis Cluster on 127.0.0.1 for the cluster test run (.ci/run), kept
# apart from the shared Redis on 6379: its own ports, its own directory, nothing saved.
#   .ci/redis-cluster.sh start   starts it, waits for cluster_state:ok, prints its URL
#   .ci/redis-cluster.sh stop    stops it and removes its directory
#   .ci/redis-cluster.sh url     prints the URL the service and the tests take
# MAJLIS_CLUSTER_PORT (default 7101) is the first of the three consecutive ports.
set -euo pipefail

FIRST="${MAJLIS_CLUSTER_PORT:-7101}"
PORTS=("$FIRST" "$((FIRST + 1))" "$((FIRST + 2))")
DIR="${TMPDIR:-/tmp}/majlis-redis-cluster-$FIRST"

url() {
  local nodes
  nodes=$(printf '127.0.0.1:%s,' "${PORTS[@]}")
  echo "redis+cluster://${nodes%,}"
}

# Stops only the servers this script started (by their pid files), never another on the ports.
stop() {
  local pidfile pid
  for port in "${PORTS[@]}"; do
    pidfile="$DIR/redis-$port.pid"
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  rm -rf "$DIR"
}

# A start that fails half-way leaves nothing running behind it.
fail() {
  echo "$*" >&2
  stop
  exit 1
}

start() {
  for port in "${PORTS[@]}"; do
    if redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1; then
      echo "port $port is already in use; run '$0 stop' or set MAJLIS_CLUSTER_PORT" >&2
      exit 1
    fi
  done
  rm -rf "$DIR"
  mkdir -p "$DIR"
  for port in "${PORTS[@]}"; do
    redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes \
      --cluster-config-file "nodes-$port.conf" --cluster-node-timeout 2000 \
      --save "" --appendonly no --daemonize yes --dir "$DIR" \
      --logfile "$DIR/redis-$port.log" --pidfile "$DIR/redis-$port.pid" \
      || fail "redis-server on $port did not start"
  done
  for port in "${PORTS[@]}"; do
    for _ in $(seq 1 50); do
      redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1 && break
      sleep 0.1
    done
    redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1 \
      || fail "redis-server on $port did not start: $(tail -3 "$DIR/redis-$port.log" 2>/dev/null)"
  done
  redis-cli --cluster create "${PORTS[@]/#/127.0.0.1:}" --cluster-replicas 0 --cluster-yes >"$DIR/create.log" \
    || fail "redis-cli --cluster create failed: $(cat "$DIR/create.log")"
  # Every node must agree before a test routes a key anywhere.
  for port in "${PORTS[@]}"; do
    for _ in $(seq 1 100); do
      redis-cli -h 127.0.0.1 -p "$port" cluster info | grep -q '^cluster_state:ok' && break
      sleep 0.1
    done
    redis-cli -h 127.0.0.1 -p "$port" cluster info | grep -q '^cluster_state:ok' \
      || fail "node $port never reached cluster_state:ok"
  done
  url
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) url ;;
  *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
