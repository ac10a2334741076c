#!/usr/bin/env bash
# Instructions per operation for each mediator scenario and its direct-call baseline, counted by valgrind (callgrind):
# each scenario runs twice (N and 2N iterations) and the difference divided by N cancels start-up and JIT work.
# Tiered compilation is off so every method runs fully optimized from its first call.
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${N:-20000}
dotnet build -c Release benchmarks/Catga.Benchmarks >/dev/null
dll=artifacts/bin/Catga.Benchmarks/release/Catga.Benchmarks.dll
count() {
  local out
  out=$(DOTNET_TieredCompilation=0 DOTNET_GCgen0size=0x4000000 valgrind --tool=callgrind --callgrind-out-file=/dev/null dotnet "$dll" --count "$1" "$2" 2>&1 | grep -Eo 'Collected : [0-9]+' | grep -Eo '[0-9]+')
  echo "$out"
}
printf '%-15s %12s\n' scenario "instr/op"
for scenario in ${SCENARIOS:-direct send0 send1 send3 direct-event1 publish1 direct-event3 publish3 direct-stream stream}; do
  a=$(count "$scenario" "$n")
  b=$(count "$scenario" $((2 * n)))
  awk -v a="$a" -v b="$b" -v n="$n" -v s="$scenario" 'BEGIN { printf "%-15s %12.1f\n", s, (b - a) / n }'
done
