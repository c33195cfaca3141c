#!/usr/bin/env python3
"""mctpm-sim --profile: the cycles of a command land on firmware functions.

usage: profile_test.py MCTPM_SIM MCTPM_CLI PROFILE_REPORT FIRMWARE_ELF

Starts the simulator with --profile, sends Startup and a PCR_Extend(sha256)
with the mctpm CLI, and checks the report: cycles were counted, every one of
them maps to a function of the firmware image, and the SHA compression
(PCR_Extend's main work) is among them. Exits non-zero on failure.
"""
import os
import subprocess
import sys
import tempfile
import time


def main():
    sim, cli, report, elf = sys.argv[1:5]
    work = tempfile.mkdtemp()
    port_file = os.path.join(work, "port")
    profile = os.path.join(work, "profile")
    proc = subprocess.Popen([sim, "--port", "0", "--port-file", port_file, "--entropy-seed", "1",
                             "--profile", profile], stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            if os.path.exists(port_file) and os.path.getsize(port_file) > 0:
                break
            time.sleep(0.1)
        device = "sim:127.0.0.1:" + open(port_file).read().strip()
        startup = "80010000000c000001440000"
        extend = ("80020000004100000182" "00000010" "00000009" "40000009" "0000" "00" "0000"
                  "00000001" "000b" + "22" * 32)
        for cmd in (startup, extend):
            out = subprocess.run([cli, "--device", device, "send", cmd], capture_output=True, text=True)
            if out.returncode != 0 or "TPM_RC_SUCCESS" not in out.stdout:
                print("command failed:", out.stdout, out.stderr)
                return 1
        # The profile is rewritten when a client disconnects: wait for the
        # one the last command left.
        text = ""
        for _ in range(100):
            text = open(profile).read() if os.path.exists(profile) else ""
            if text.count("\n") > 20:
                break
            time.sleep(0.1)
        rep = subprocess.run([sys.executable, report, profile, elf, "--top", "1000"],
                             capture_output=True, text=True, check=True).stdout
    finally:
        proc.terminate()
        proc.wait()
    print(rep)
    rows = [line.split(None, 2) for line in rep.splitlines()[1:] if line.strip()]
    total = int(rows[-1][0])
    names = [r[2] for r in rows[:-1]]
    errors = 0
    if total < 1000:
        print("FAIL: only %d cycles profiled for two commands" % total)
        errors += 1
    unmapped = [n for n in names if n.startswith("?") or n == "(outside ROM)"]
    if unmapped:
        print("FAIL: cycles outside the firmware's functions:", unmapped)
        errors += 1
    if not any("compress" in n for n in names):
        print("FAIL: no SHA compression in the profile of a PCR_Extend")
        errors += 1
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
