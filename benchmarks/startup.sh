#!/usr/bin/env bash
# Measures AotDemo's whole-process start-to-exit time: the Native AOT binary against the same program run by the
# .NET runtime (framework-dependent, JIT), in the same run. Prints median and 90th percentile of N runs each.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-30}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
dotnet publish examples/AotDemo -c Release -r linux-x64 -o "$out/aot" >/dev/null
dotnet publish examples/AotDemo -c Release -p:PublishAot=false -o "$out/jit" >/dev/null

measure() {
  local -a times=()
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v n="$runs" '{a[NR]=$1} END {printf "median %.1f ms, p90 %.1f ms", a[int((n+1)/2)]/1000, a[int(n*0.9)]/1000}'
}

echo "AotDemo start-to-exit, $runs runs each ($(nproc) cores, $(date -u +%Y-%m-%d))"
echo "  Native AOT binary ($(du -h "$out/aot/AotDemo" | cut -f1)): $(measure "$out/aot/AotDemo")"
echo "  dotnet AotDemo.dll (JIT):        $(measure dotnet "$out/jit/AotDemo.dll")"
