#!/usr/bin/env bash
# Runs the two roles of examples/AotDemo as two processes over a real nats-server (JetStream) and redis-server,
# which this script starts on free loopback ports and stops afterwards.
#   bash scripts/distributed-demo.sh [path/to/AotDemo]   (default: `dotnet run --project examples/AotDemo`)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -ge 1 ]; then demo=("$1"); else demo=(dotnet run --project examples/AotDemo -c Release --); fi
nats_bin=$(command -v nats-server || echo /usr/sbin/nats-server)
redis_bin=$(command -v redis-server || echo /usr/bin/redis-server)

free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
}

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

nats_port=$(free_port)
redis_port=$(free_port)
"$nats_bin" -a 127.0.0.1 -p "$nats_port" -js -sd "$work/nats" > "$work/nats.log" 2>&1 &
pids+=($!)
"$redis_bin" --port "$redis_port" --bind 127.0.0.1 --dir "$work" --appendonly yes --appendfsync always --save "" > "$work/redis.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$nats_port") 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$redis_port") 2>/dev/null; then break; fi
  sleep 0.1
done

nats="nats://127.0.0.1:$nats_port"
redis="127.0.0.1:$redis_port"
echo "== nats-server on $nats, redis-server on $redis"
"${demo[@]}" --role shipping --nats "$nats" --redis "$redis" --count 3 > "$work/shipping.txt" 2>&1 &
shipping=$!
# The shipping role is ready once it prints that it is connected (its consumers are subscribed by then).
for _ in $(seq 1 600); do
  if grep -q "\[shipping\] connected" "$work/shipping.txt" 2>/dev/null || ! kill -0 "$shipping" 2>/dev/null; then break; fi
  sleep 0.1
done
set +e
"${demo[@]}" --role orders --nats "$nats" --redis "$redis" --count 3 > "$work/orders.txt" 2>&1
orders_status=$?
wait "$shipping"
shipping_status=$?
set -e
echo "== orders process (exit $orders_status)"
cat "$work/orders.txt"
echo "== shipping process (exit $shipping_status)"
cat "$work/shipping.txt"
if [ "$orders_status" -ne 0 ] || [ "$shipping_status" -ne 0 ]; then
  echo "The two AotDemo processes did not complete their exchange." >&2
  exit 1
fi
echo "Two AotDemo processes exchanged commands and events over NATS and Redis."
