#!/usr/bin/env bash
# Reproduces docs/benchmarks/distributed-official-clients.md: the durable scenario (raw NATS.Net JetStream consume+ack,
# Catga without inbox = at-least-once, Catga with the Redis inbox and outbox = exactly-once effect), unlimited and at
# 8,000 messages/s, and the rpc scenario (raw NATS.Net request/reply, Catga mediator.SendAsync) at 10,000 requests/s,
# RUNS runs each (layers alternate within a run), medians printed at the end of each scenario. Everything once on
# single servers, then (unless CLUSTER=0) once more on a 3-node NATS cluster (stream replicas 3) and a Redis Cluster
# (3 masters + 3 replicas).
# Needs nats-server and redis-server (with redis-cli) on the PATH (apt-get install -y nats-server redis-server) and the
# .NET SDK. The tool starts its own servers on free loopback ports in temp dirs. Extra arguments go to every
# invocation, e.g. ./run.sh --duration 5 for a shorter run, or --nats nats://host:4222 --redis host:6379 for existing
# servers (then set CLUSTER=0). A smoke run: RUNS=1 ./run.sh --duration 2 --warmup 1
set -euo pipefail
cd "$(dirname "$0")"
RUNS="${RUNS:-3}"
CLUSTER="${CLUSTER:-1}"
dotnet build -c Release Catga.Distributed.LoadTest.csproj -v q -nologo
tool() { dotnet run -c Release --no-build --project Catga.Distributed.LoadTest.csproj -- "$@"; }
scenarios() {
  echo "uptime: $(uptime)"
  tool --scenario durable --runs "$RUNS" --duration 10 --warmup 3 --producers 64 --consumers 1 --concurrency 64 --batch 256 --payload 128 "$@"
  echo
  echo "uptime: $(uptime)"
  # The same layers at a fixed offered rate every layer sustains: latency and CPU per message at equal load.
  tool --scenario durable --runs "$RUNS" --duration 10 --warmup 3 --rate 8000 --producers 64 --consumers 1 --concurrency 64 --batch 256 --payload 128 "$@"
  echo
  echo "uptime: $(uptime)"
  tool --scenario rpc --runs "$RUNS" --duration 10 --warmup 3 --rate 10000 --consumers 1 --concurrency 64 --payload 128 "$@"
  echo "uptime: $(uptime)"
}
echo "### single servers"
scenarios "$@"
if [ "$CLUSTER" != "0" ]; then
  echo
  echo "### clusters (3-node NATS, stream replicas 3; Redis Cluster 3 masters + 3 replicas)"
  scenarios --cluster "$@"
fi
