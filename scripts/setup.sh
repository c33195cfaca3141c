#!/usr/bin/env bash
# Installs everything a fresh Debian bookworm machine lacks to build and test
# mctpm. Safe to run twice: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

debs=(
  build-essential cmake ninja-build pkg-config python3-venv
  verilator iverilog
  gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf
  libssl-dev openssl libusb-1.0-0-dev libboost-program-options-dev libgtest-dev
  tpm2-tools libtss2-dev
)
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Python tools (the CPU core package) live in a project-local venv.
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
if ! .venv/bin/python -c 'import pythondata_cpu_picorv32' 2>/dev/null; then
  .venv/bin/pip install -q -r scripts/requirements.txt
fi
echo "setup: done"
