#!/usr/bin/env bash
# Runs the Catga.Redis benchmark: installs ioredis into js/, builds in Release, starts its own redis-server and
# measures Catga.Redis, redis-benchmark -P 16 and ioredis side by side. Usage: ./run.sh [seconds] [concurrency]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null || {
  echo "redis-server and redis-benchmark are required (apt-get install -y redis-server)" >&2; exit 1; }
if command -v node >/dev/null && command -v npm >/dev/null; then
  (cd "$here/js" && npm install --no-audit --no-fund --silent)
else
  echo "node/npm not found: the ioredis column will be empty" >&2
fi
dotnet build "$here/Catga.Redis.Benchmarks.csproj" -c Release --nologo -v quiet
out="$(dirname "$(dirname "$here")")/artifacts/bin/Catga.Redis.Benchmarks/release"
rm -rf "$out/js" && mkdir -p "$out/js" && cp "$here/js/bench.js" "$out/js/"
[ -d "$here/js/node_modules" ] && ln -sfn "$here/js/node_modules" "$out/js/node_modules"
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(redis-server --version | cut -d' ' -f3), node $(node --version 2>/dev/null || echo none)" >&2
dotnet "$out/Catga.Redis.Benchmarks.dll" "$@"
