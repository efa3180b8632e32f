#!/usr/bin/env bash
# The hot page while comments arrive on it: p50/p99/p99.9 of `GET …/articles/hot/comments`
# (gzip, as browsers ask) at a fixed rate with oha, while a writer posts a comment on the same
# article every 200 ms, each from a new guest behind its own address. Every published comment
# invalidates the cached page, so every reader of the page misses it at once: this measures
# what that costs. Binaries are alternated, ROUNDS times, on the database that
# `KEEP_DB=1 bash bench/service.sh` leaves behind (majlis_bench).
#
#   ROUNDS=2 RATE=20000 bash bench/page_stampede.sh /tmp/majlis-before target/release/majlis
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
[ $# -ge 1 ] || { echo "usage: $0 BINARY..." >&2; exit 2; }
rate="${RATE:-20000}"
port="${PORT:-18197}"
oha="$(command -v oha || echo "$HOME/.cargo/bin/oha")"
[ -x "$oha" ] || { echo "oha is missing: cargo install oha --locked" >&2; exit 1; }
namespace="majlis-stampede:$$:"
source "$root/bench/kept_db.sh"
words=(الحكومة القرار الاقتصاد الأسعار المواطن الرواتب المدارس الطرق المستشفى البلدية الانتخابات
  البرلمان الوزير الميزانية الكهرباء المياه الشباب العمل الصحافة المنتخب المباراة المدرب الجمهور
  الموسم جيد متأخر ضروري واضح مفيد صعب أتفق أختلف ربما لكن أيضا أرجو شكرا للكاتب المقال التفاصيل)

# run BINARY N: the N-th 10 s measurement (its own Redis namespace and guest addresses);
# prints the percentiles and how many of the writer's comments were published.
run() {
  start "$1" "$2"
  local base="http://127.0.0.1:$port/v1/sites/demo/articles/hot/comments"
  curl -fs "$base?limit=100" > /dev/null
  : > "$work/posted.txt"
  (
    for i in $(seq 50); do
      text=""
      for _ in $(seq 12); do text="$text ${words[RANDOM % ${#words[@]}]}"; done
      curl -fs -X POST -H 'Content-Type: application/json' -H "X-Forwarded-For: 10.9.$2.$i" \
        -d "{\"body\":\"رأي القارئ:$text\",\"author_name\":\"قارئ $i\",\"form_ms\":6000}" "$base" \
        | jq -r .status >> "$work/posted.txt"
      sleep 0.2
    done
  ) &
  local writer=$!
  "$oha" -z 10s -c 64 -q "$rate" --latency-correction --no-tui --output-format json \
    -H 'Accept-Encoding: gzip, deflate, br' "$base?limit=100" > "$work/oha.json"
  wait "$writer"
  stop
  jq -r --arg published "$(grep -c published "$work/posted.txt" || true)" \
    '"p50 \(.latencyPercentiles.p50 * 1000 | . * 100 | round / 100) ms, p99 \(.latencyPercentiles.p99 * 1000 | . * 100 | round / 100) ms, p99.9 \(.latencyPercentiles["p99.9"] * 1000 | . * 100 | round / 100) ms at \(.summary.requestsPerSec | round) req/s; comments published meanwhile: \($published)"' \
    "$work/oha.json"
}

alternate "$@"
