#!/usr/bin/env bash
# Load on tally serve, on loopback, against `tally eval --format json` over the same generated
# partners (about 13 KB each, benches/generate.rs): partners per second and the latency
# percentiles wrk reports. Needs wrk (Debian: apt-get install wrk).
# Usage: benches/serve-load.sh [seconds per run, default 15]
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-15}"
count=20000
command -v wrk >/dev/null || { echo "serve-load: needs wrk (apt-get install wrk)"; exit 2; }
cargo build --release --quiet
tally=target/release/tally
mkdir -p bench-data
partners=bench-data/partners.jsonl
if [ ! -s "$partners" ] || [ "$(wc -l <"$partners")" -ne "$count" ]; then
  TALLY_PARTNERS="$PWD/$partners" TALLY_PARTNERS_COUNT=$count cargo bench --quiet --bench partners
fi
echo "partners: $count, $(($(wc -c <"$partners") / count)) bytes each on average"

# tally eval --format json: the best of three runs over all the partners.
best=0
for _ in 1 2 3; do
  start=$(date +%s%N)
  "$tally" eval rules --format json --data "$partners" >/dev/null
  ns=$(($(date +%s%N) - start))
  rate=$((count * 1000000000 / ns))
  [ "$rate" -gt "$best" ] && best=$rate
done
echo "tally eval --format json: $best partners/s"

log=$(mktemp)
"$tally" serve rules --bind 127.0.0.1:0 2>"$log" &
server=$!
trap 'kill $server 2>/dev/null || true; rm -f "$log"' EXIT
url=""
for _ in $(seq 1 100); do
  url="$(grep -o 'API at http://[0-9.:]*' "$log" | sed 's/API at //' || true)"
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { cat "$log"; exit 1; }

# One run of wrk: partners/s and the latency percentiles of the requests.
run() {
  local name=$1 path=$2 batch=$3 connections=$4
  local out
  out=$(PARTNERS="$partners" BATCH=$batch wrk -t1 -c"$connections" -d"${seconds}s" --latency \
    -s benches/serve-load.lua "$url$path")
  local rps p50 p99
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  local rate
  rate=$(awk -v r="$rps" -v b="$batch" 'BEGIN {printf "%d", r * b}')
  local share
  share=$(awk -v r="$rate" -v e="$best" 'BEGIN {printf "%d", 100 * r / e}')
  if grep -q "Non-2xx" <<<"$out"; then echo "$out"; echo "serve-load: errors"; exit 1; fi
  printf '| %s | %s | %s | %s | %s | %s %% |\n' "$name" "$connections" "$rps" "$rate" "$p50 / $p99" "$share"
}

echo
echo "| request | connections | requests/s | partners/s | latency p50 / p99 | of tally eval |"
echo "|---|---|---|---|---|---|"
run "POST /v1/evaluate, one partner" /v1/evaluate 1 8
run "POST /v1/evaluate/batch, 100 partners" /v1/evaluate/batch 100 4
kill -TERM $server
wait $server
