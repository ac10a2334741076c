#!/usr/bin/env bash
# Instructions per message for the envelope round trip (build + read a transport message), plain, signed and
# encrypted, counted by valgrind (callgrind): each case runs N and 2N times and the difference divided by N cancels
# start-up and JIT work. Tiered compilation is off so every method runs fully optimized from its first call.
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${N:-2000}
dotnet build -c Release benchmarks/Catga.Serialization.Benchmarks >/dev/null
dll=artifacts/bin/Catga.Serialization.Benchmarks/release/Catga.Serialization.Benchmarks.dll
count() {
  DOTNET_TieredCompilation=0 DOTNET_GCgen0size=0x4000000 valgrind --tool=callgrind --callgrind-out-file=/dev/null dotnet "$dll" --count-security "$1" "$2" "$3" 2>&1 | grep -Eo 'Collected : [0-9]+' | grep -Eo '[0-9]+'
}
printf '%-8s %-10s %12s\n' size mode "instr/op"
for size in ${SIZES:-Small Medium}; do
  for mode in plain signed encrypted; do
    a=$(count "$mode" "$size" "$n")
    b=$(count "$mode" "$size" $((2 * n)))
    awk -v a="$a" -v b="$b" -v n="$n" -v s="$size" -v m="$mode" 'BEGIN { printf "%-8s %-10s %12.1f\n", s, m, (b - a) / n }'
  done
done
