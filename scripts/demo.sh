#!/usr/bin/env bash
# Sets up, builds, then starts the simulated chip (mctpm-sim) and the host
# daemon (mctpmd), lets Debian's unmodified tpm2-tools talk to it over the
# mssim TCTI, then gives two VMs a TPM each on the same chip, and prints
# what happened.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh

work=$(mktemp -d)
cleanup() { kill "${daemon_pid:-}" "${sim_pid:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

build/verilator-tb/sim/mctpm-sim --port 0 --port-file "$work/sim.port" 2>"$work/sim.log" &
sim_pid=$!
for _ in $(seq 600); do [ -s "$work/sim.port" ] && break; sleep 0.1; done
sim_port=$(cat "$work/sim.port")
echo "== mctpm-sim: $(grep -m1 booted "$work/sim.log")"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
build/driver/mctpmd --device "sim:127.0.0.1:$sim_port" --mssim-port "$port" --swtpm-port $((port + 2)) -v 2>"$work/mctpmd.log" &
daemon_pid=$!
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
echo "== mctpmd: mssim TCTI on 127.0.0.1:$port (platform port $((port + 1)))"
export TPM2TOOLS_TCTI="mssim:host=127.0.0.1,port=$port"

run() { echo; echo "\$ $*"; "$@"; }
run tpm2_startup -c
run tpm2_selftest --fulltest
echo; echo "\$ tpm2_getcap properties-fixed   (first lines)"
tpm2_getcap properties-fixed > "$work/fixed.txt"; head -n 16 "$work/fixed.txt"
run tpm2_getrandom --hex 16; echo
run tpm2_pcrextend "16:sha256=$(printf 'hello mctpm' | sha256sum | cut -d' ' -f1)"
run tpm2_pcrread sha1:16+sha256:16
echo; echo "expected sha256:16 = sha256(32 zero bytes || sha256('hello mctpm')):"
python3 -c 'import hashlib; d=hashlib.sha256(b"hello mctpm").digest(); print("  0x"+hashlib.sha256(bytes(32)+d).hexdigest().upper())'
echo "hello" > "$work/event.txt"
run tpm2_pcrevent 23 "$work/event.txt"
run tpm2_pcrreset 23

kill "$daemon_pid"; wait "$daemon_pid" 2>/dev/null || true; daemon_pid=
echo; echo "== mctpmd log (one line per command):"; tail -n 12 "$work/mctpmd.log"
run build/cli/mctpm --device "sim:127.0.0.1:$sim_port" status

# ---- Many VMs, one chip: mctpmd in multi-context mode on the same chip.
echo; echo "== two VMs, one chip: mctpmd --store (contexts sealed by the chip, kept on the host)"
build/driver/mctpmd --device "sim:127.0.0.1:$sim_port" --store "$work/contexts" --mssim-port "$port" \
  --swtpm-port $((port + 2)) 2>"$work/mctpmd2.log" &
daemon_pid=$!
export MCTPM_CONTROL="$work/contexts/control.sock"
for _ in $(seq 100); do [ -S "$MCTPM_CONTROL" ] && break; sleep 0.1; done
vm_port() { grep -o 'mssim=[0-9]*' | cut -d= -f2; }
run build/cli/mctpm context launch --vm web | tee "$work/web.txt"
run build/cli/mctpm context launch --vm db --pcr-model private | tee "$work/db.txt"
web=$(vm_port < "$work/web.txt"); db=$(vm_port < "$work/db.txt")
for vm in web db; do
  p=$web; [ "$vm" = db ] && p=$db
  echo; echo "\$ [$vm] tpm2_startup -c; tpm2_pcrextend 16:sha256=sha256('$vm')"
  TPM2TOOLS_TCTI="mssim:host=127.0.0.1,port=$p" tpm2_startup -c
  TPM2TOOLS_TCTI="mssim:host=127.0.0.1,port=$p" tpm2_pcrextend "16:sha256=$(printf '%s' "$vm" | sha256sum | cut -d' ' -f1)"
done
for vm in web db; do
  p=$web; [ "$vm" = db ] && p=$db
  echo; echo "\$ [$vm] tpm2_pcrread sha256:16   (its own PCR 16; the chip swapped contexts in between)"
  TPM2TOOLS_TCTI="mssim:host=127.0.0.1,port=$p" tpm2_pcrread sha256:16
done
echo; echo "\$ [web] tpm2_send EXIT (a management command from a VM: trapped by the chip's RTL)"
printf '\x80\x01\x00\x00\x00\x0a\x20\x00\x01\x04' |
  TPM2TOOLS_TCTI="mssim:host=127.0.0.1,port=$web" tpm2_send | od -An -tx1
run build/cli/mctpm context list
run build/cli/mctpm context status
kill "$daemon_pid"; wait "$daemon_pid" 2>/dev/null || true; daemon_pid=
echo; echo "== sealed contexts on the host:"; ls -l "$work/contexts" | grep -v control
