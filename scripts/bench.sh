#!/usr/bin/env bash
# Builds, then prints the benchmark tables: engine cycles per block and the
# cost of TPM commands on the simulated chip (cycles at 50 MHz, SPI 33 MHz).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
scripts/build.sh >/dev/null

echo "== SHA engines (RTL, cycles from CTRL write to ready)"
build/verilator-tb/sha/sha256_engine_test cycles
build/verilator-tb/sha/sha1_engine_test cycles

work=$(mktemp -d)
trap 'kill ${sim_pid:-} 2>/dev/null || true; rm -rf "$work"' EXIT
build/verilator-tb/sim/mctpm-sim --port 0 --port-file "$work/port" --entropy-seed 1 2>"$work/sim.log" &
sim_pid=$!
for _ in $(seq 600); do [ -s "$work/port" ] && break; sleep 0.1; done
echo
echo "== $(grep -m1 -o 'firmware booted in [0-9]* cycles' "$work/sim.log")"
echo
build/bench/mctpm-bench --port "$(cat "$work/port")" "$@"

# Context swaps need a chip of their own: the bench turns virtualization on.
work2=$(mktemp -d)
trap 'kill ${sim_pid:-} ${sim2_pid:-} 2>/dev/null || true; rm -rf "$work" "$work2"' EXIT
build/verilator-tb/sim/mctpm-sim --port 0 --port-file "$work2/port" --entropy-seed 2 2>"$work2/sim.log" &
sim2_pid=$!
for _ in $(seq 600); do [ -s "$work2/port" ] && break; sleep 0.1; done
echo
build/bench/mctpm-swap-bench --port "$(cat "$work2/port")"
