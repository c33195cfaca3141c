#!/usr/bin/env python3
"""System tests: unmodified tpm2-tools against the simulated mctpm chip.

Each case starts mctpm-sim (the Verilated SoC) and mctpmd (which speaks
TPM-over-SPI to it and tpm2-tss's mssim/swtpm protocols to the tools) on free
loopback ports, runs Debian's tpm2-tools, and checks what they print. Every
PCR value is recomputed with OpenSSL (Python's hashlib is OpenSSL's).
"""
import argparse
import hashlib
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

ARGS = None


def free_port_pair():
    """Two consecutive free loopback ports (mssim and swtpm use N and N+1)."""
    for _ in range(200):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port >= 65000:
            continue
        try:
            with socket.socket() as a, socket.socket() as b:
                a.bind(("127.0.0.1", port))
                b.bind(("127.0.0.1", port + 1))
            return port
        except OSError:
            continue
    raise RuntimeError("no two consecutive free ports")


def wait_port(port, proc, what, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on {port}")


class Stack:
    """mctpm-sim + mctpmd on free ports, torn down on exit."""

    def __enter__(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="mctpm-system-")
        port_file = os.path.join(self.tmp.name, "sim.port")
        self.sim_log = open(os.path.join(self.tmp.name, "sim.log"), "w+")
        self.sim = subprocess.Popen([ARGS.sim, "--port", "0", "--port-file", port_file],
                                    stdout=self.sim_log, stderr=subprocess.STDOUT)
        deadline = time.time() + 120
        while not (os.path.exists(port_file) and open(port_file).read().strip()):
            if self.sim.poll() is not None or time.time() > deadline:
                raise RuntimeError("mctpm-sim did not start:\n" + self.log(self.sim_log))
            time.sleep(0.05)
        self.sim_port = int(open(port_file).read())
        self.mssim_port = free_port_pair()
        self.swtpm_port = free_port_pair()
        while self.swtpm_port in (self.mssim_port, self.mssim_port + 1, self.mssim_port - 1):
            self.swtpm_port = free_port_pair()
        self.d_log = open(os.path.join(self.tmp.name, "mctpmd.log"), "w+")
        self.daemon = subprocess.Popen(
            [ARGS.mctpmd, "--device", f"sim:127.0.0.1:{self.sim_port}",
             "--mssim-port", str(self.mssim_port), "--swtpm-port", str(self.swtpm_port), "-v"],
            stdout=self.d_log, stderr=subprocess.STDOUT)
        wait_port(self.mssim_port, self.daemon, "mctpmd")
        wait_port(self.swtpm_port, self.daemon, "mctpmd")
        return self

    @staticmethod
    def log(f):
        f.flush()
        f.seek(0)
        return f.read()[-4000:]

    def __exit__(self, *exc):
        for p in (self.daemon, self.sim):
            p.terminate()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        if exc[0] is not None:
            print("---- mctpmd log ----\n" + self.log(self.d_log))
            print("---- mctpm-sim log ----\n" + self.log(self.sim_log))
        self.tmp.cleanup()

    def tool(self, *argv, tcti="mssim", check=True, data=None):
        port = self.mssim_port if tcti == "mssim" else self.swtpm_port
        env = dict(os.environ, TPM2TOOLS_TCTI=f"{tcti}:host=127.0.0.1,port={port}")
        r = subprocess.run(list(argv), env=env, capture_output=True, input=data, timeout=120)
        if check and r.returncode != 0:
            raise AssertionError(f"{' '.join(argv)} failed ({r.returncode}):\n"
                                 f"{r.stdout.decode(errors='replace')}{r.stderr.decode(errors='replace')}")
        return r


def expect(cond, msg):
    if not cond:
        raise AssertionError(msg)


def pcr_values(out, bank):
    """Parse tpm2_pcrread's YAML-ish output into {index: bytes}."""
    vals, cur = {}, None
    for line in out.splitlines():
        m = re.match(r"\s*(sha1|sha256|sha384|sha512)\s*:\s*$", line)
        if m:
            cur = m.group(1)
            continue
        m = re.match(r"\s*(\d+)\s*:\s*0x([0-9A-Fa-f]+)", line)
        if m and cur == bank:
            vals[int(m.group(1))] = bytes.fromhex(m.group(2))
    return vals


def read_pcr(st, bank, index):
    out = st.tool("tpm2_pcrread", f"{bank}:{index}").stdout.decode()
    vals = pcr_values(out, bank)
    expect(index in vals, f"tpm2_pcrread printed no {bank}:{index}:\n{out}")
    return vals[index]


def extend(old, digest, alg):
    return hashlib.new(alg, old + digest).digest()


# ---------------------------------------------------------------- cases
def case_startup_selftest_and_getcap(st):
    st.tool("tpm2_startup", "-c")
    st.tool("tpm2_selftest", "--fulltest")
    fixed = st.tool("tpm2_getcap", "properties-fixed").stdout.decode()
    expect("TPM2_PT_FAMILY_INDICATOR" in fixed and "2.0" in fixed, f"family indicator missing:\n{fixed}")
    expect('"MCTP"' in fixed or "MCTP" in fixed, f"manufacturer is not MCTP:\n{fixed}")
    expect("SW  " not in fixed, "manufacturer must not claim to be the simulator")
    algs = st.tool("tpm2_getcap", "algorithms").stdout.decode()
    expect("sha256" in algs and "sha1" in algs, f"algorithms lack sha1/sha256:\n{algs}")
    cmds = st.tool("tpm2_getcap", "commands").stdout.decode()
    for name in ("TPM2_CC_PCR_Extend", "TPM2_CC_GetRandom", "TPM2_CC_Startup", "TPM2_CC_PCR_Read"):
        expect(name in cmds, f"{name} missing from tpm2_getcap commands:\n{cmds}")
    pcrs = st.tool("tpm2_getcap", "pcrs").stdout.decode()
    expect("sha1" in pcrs and "sha256" in pcrs, f"PCR banks:\n{pcrs}")
    st.tool("tpm2_getcap", "properties-variable")
    st.tool("tpm2_getcap", "handles-pcr")
    st.tool("tpm2_getcap", "handles-persistent")
    st.tool("tpm2_getcap", "handles-transient")
    # A second Startup is refused with TPM_RC_INITIALIZE (tpm2_startup itself
    # reports that as success, so read the chip's answer from mctpmd's log).
    st.tool("tpm2_startup", "-c", check=False)
    log = st.log(st.d_log)
    expect("cc 0x00000144 locality 0 rc 0x00000100" in log, f"second Startup not refused:\n{log}")


def case_getrandom_returns_requested_bytes(st):
    st.tool("tpm2_startup", "-c")
    seen = set()
    for n in (1, 7, 16, 32):
        out = st.tool("tpm2_getrandom", "--hex", str(n)).stdout.decode().strip()
        expect(re.fullmatch(r"[0-9a-f]*", out) and len(out) == 2 * n, f"getrandom {n}: {out!r}")
        seen.add(out)
    expect(len(seen) == 4, "random outputs repeat")


def case_pcr_extend_matches_openssl(st):
    st.tool("tpm2_startup", "-c")
    for bank, alg in (("sha1", "sha1"), ("sha256", "sha256")):
        for pcr in (0, 7, 16, 23):
            value = read_pcr(st, bank, pcr)
            expect(value == bytes(len(value)), f"{bank}:{pcr} not zero after Startup(CLEAR): {value.hex()}")
            for i in range(3):
                digest = hashlib.new(alg, f"measurement {pcr} {i}".encode()).digest()
                st.tool("tpm2_pcrextend", f"{pcr}:{bank}={digest.hex()}")
                value = extend(value, digest, alg)
                got = read_pcr(st, bank, pcr)
                expect(got == value, f"{bank}:{pcr} after extend {i}: chip {got.hex()} openssl {value.hex()}")
    # Both banks in one command.
    d1 = hashlib.sha1(b"both").digest()
    d256 = hashlib.sha256(b"both").digest()
    before1, before256 = read_pcr(st, "sha1", 10), read_pcr(st, "sha256", 10)
    st.tool("tpm2_pcrextend", f"10:sha1={d1.hex()},sha256={d256.hex()}")
    expect(read_pcr(st, "sha1", 10) == extend(before1, d1, "sha1"), "sha1 bank of a two-bank extend")
    expect(read_pcr(st, "sha256", 10) == extend(before256, d256, "sha256"), "sha256 bank of a two-bank extend")


def case_pcr_event_matches_openssl(st):
    st.tool("tpm2_startup", "-c")
    with tempfile.NamedTemporaryFile() as f:
        for size in (0, 1, 55, 64, 200, 1024):
            data = bytes((i * 7 + size) & 0xFF for i in range(size))
            f.seek(0)
            f.truncate()
            f.write(data)
            f.flush()
            before = {b: read_pcr(st, b, 16) for b in ("sha1", "sha256")}
            out = st.tool("tpm2_pcrevent", "16", f.name).stdout.decode()
            for bank in ("sha1", "sha256"):
                digest = hashlib.new(bank, data).digest()
                expect(digest.hex() in out.lower(), f"pcrevent {size} bytes: {bank} digest {digest.hex()} not in:\n{out}")
                got = read_pcr(st, bank, 16)
                expect(got == extend(before[bank], digest, bank), f"{bank}:16 after pcrevent of {size} bytes")


def case_pcr_reset_only_resettable_pcrs(st):
    st.tool("tpm2_startup", "-c")
    d = hashlib.sha256(b"x").digest()
    for pcr in (16, 23):
        st.tool("tpm2_pcrextend", f"{pcr}:sha256={d.hex()}")
        expect(read_pcr(st, "sha256", pcr) != bytes(32), "extend had no effect")
        st.tool("tpm2_pcrreset", str(pcr))
        expect(read_pcr(st, "sha256", pcr) == bytes(32), f"PCR {pcr} not reset")
        expect(read_pcr(st, "sha1", pcr) == bytes(20), f"PCR {pcr} sha1 bank not reset")
    st.tool("tpm2_pcrextend", f"0:sha256={d.hex()}")
    value = read_pcr(st, "sha256", 0)
    r = st.tool("tpm2_pcrreset", "0", check=False)
    expect(r.returncode != 0, "PCR 0 is not resettable from locality 0")
    expect(read_pcr(st, "sha256", 0) == value, "a refused reset changed PCR 0")


def case_pcrread_all_banks_after_startup(st):
    st.tool("tpm2_startup", "-c")
    out = st.tool("tpm2_pcrread").stdout.decode()
    for bank, size in (("sha1", 20), ("sha256", 32)):
        vals = pcr_values(out, bank)
        expect(sorted(vals) == list(range(24)), f"{bank}: PCRs listed {sorted(vals)}")
        for i, v in vals.items():
            want = b"\xff" * size if 17 <= i <= 22 else bytes(size)
            expect(v == want, f"{bank}:{i} after Startup(CLEAR) is {v.hex()}")


def case_swtpm_tcti_reaches_the_chip(st):
    st.tool("tpm2_startup", "-c", tcti="swtpm")
    d = hashlib.sha256(b"swtpm path").digest()
    st.tool("tpm2_pcrextend", f"16:sha256={d.hex()}", tcti="swtpm")
    # The same chip, seen through the other endpoint.
    expect(read_pcr(st, "sha256", 16) == extend(bytes(32), d, "sha256"), "swtpm TCTI extend not visible")
    out = st.tool("tpm2_getrandom", "--hex", "8", tcti="swtpm").stdout.decode().strip()
    expect(len(out) == 16, f"getrandom over swtpm TCTI: {out!r}")


def send_raw(st, hexstr):
    r = subprocess.run([ARGS.cli, "--device", f"sim:127.0.0.1:{st.sim_port}", "send", hexstr],
                       capture_output=True, timeout=60)
    return r


def case_malformed_commands_get_tpm_errors(st):
    # mctpmd holds the device; the CLI needs the simulator to itself, so stop
    # the daemon first (mctpm-sim serves one client at a time).
    st.daemon.terminate()
    st.daemon.wait(timeout=10)
    cases = [
        ("80010000000c0000017b0020", "00000100"),  # GetRandom before Startup: TPM_RC_INITIALIZE
        ("80010000000c000001440000", None),        # Startup(CLEAR)
        ("80010000000a20000000", "00000143"),      # unknown command: TPM_RC_COMMAND_CODE
        ("12340000000a00000144", "0000001e"),      # bad tag: TPM_RC_BAD_TAG
        ("80010000000c0000017b0020", None),        # GetRandom(32): success
        ("80010000000b0000017b00", "000001da"),    # truncated parameter: TPM_RC_INSUFFICIENT + P1
        ("80010000000d0000017b002000", "00000095"),  # trailing byte: TPM_RC_SIZE
    ]
    for cmd, rc in cases:
        r = send_raw(st, cmd)
        out = (r.stdout + r.stderr).decode(errors="replace")
        expect(r.returncode == 0, f"mctpm send {cmd} failed: {out}")
        m = re.search(r"\b([0-9a-f]{4})([0-9a-f]{8})([0-9a-f]{8})", out.replace(" ", "").lower())
        expect(m, f"no response hex in: {out}")
        got_rc = m.group(3)
        if rc is None:
            expect(got_rc == "00000000", f"{cmd}: expected success, got {got_rc}")
        else:
            expect(got_rc == rc, f"{cmd}: expected rc {rc}, got {got_rc}\n{out}")


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--sim", required=True)
    ap.add_argument("--mctpmd", required=True)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--case", required=True)
    ARGS = ap.parse_args()
    fn = globals().get("case_" + ARGS.case)
    if fn is None:
        sys.exit(f"unknown case {ARGS.case}")
    with Stack() as st:
        fn(st)
    print(f"{ARGS.case}: passed")


if __name__ == "__main__":
    main()
