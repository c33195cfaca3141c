#!/usr/bin/env python3
"""System tests of the multi-context chip: many VMs, one Verilated mctpm.

Each case starts mctpm-sim (with its fuse and flash files in a temporary
directory, so that a restarted simulator is the same chip) and mctpmd in
multi-context mode (--store), launches VMs through the `mctpm context` CLI,
and drives every VM with unmodified tpm2-tools over its own mssim endpoint.
PCR values are recomputed with Python's hashlib (OpenSSL).
"""
import argparse
import hashlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tpm2_tools_test import expect, extend, free_port_pair, pcr_values, wait_port  # noqa: E402

ARGS = None
ZERO32 = bytes(32)


class Chip:
    """mctpm-sim + mctpmd --store; either can be killed and restarted on the same files."""

    def __init__(self):
        self.keep = bool(os.environ.get("MCTPM_KEEP_TEST_DIR"))  # debugging: keep logs and files
        self.tmp = None if self.keep else tempfile.TemporaryDirectory(prefix="mctpm-multi-")
        self.dir = tempfile.mkdtemp(prefix="mctpm-multi-") if self.keep else self.tmp.name
        self.fuses = os.path.join(self.dir, "fuses.hex")
        self.flash = os.path.join(self.dir, "flash.bin")
        self.store = os.path.join(self.dir, "store")
        self.control = os.path.join(self.dir, "control.sock")
        self.sim = self.daemon = None
        self.root_port = free_port_pair()
        self.vms = {}  # name -> mssim port
        self.logs = []

    # -- processes --------------------------------------------------------------
    def _log(self, name):
        f = open(os.path.join(self.dir, f"{name}.{len(self.logs)}.log"), "w+")
        self.logs.append((name, f))
        return f

    def start_sim(self, fuses=None):
        port_file = os.path.join(self.dir, "sim.port")
        if os.path.exists(port_file):
            os.unlink(port_file)
        self.sim = subprocess.Popen(
            [ARGS.sim, "--port", "0", "--port-file", port_file, "--fuses", fuses or self.fuses,
             "--flash", self.flash],
            stdout=self._log("sim"), stderr=subprocess.STDOUT)
        deadline = time.time() + 120
        while not (os.path.exists(port_file) and open(port_file).read().strip()):
            if self.sim.poll() is not None or time.time() > deadline:
                raise RuntimeError("mctpm-sim did not start")
            time.sleep(0.05)
        self.sim_port = int(open(port_file).read())

    def start_daemon(self):
        if os.path.exists(self.control):
            os.unlink(self.control)
        self.daemon = subprocess.Popen(
            [ARGS.mctpmd, "--device", f"sim:127.0.0.1:{self.sim_port}", "--store", self.store,
             "--control", self.control, "--mssim-port", str(self.root_port),
             "--swtpm-port", str(free_port_pair()), "-v"],
            stdout=self._log("mctpmd"), stderr=subprocess.STDOUT)
        wait_port(self.root_port, self.daemon, "mctpmd")
        deadline = time.time() + 60
        while not os.path.exists(self.control):
            if self.daemon.poll() is not None or time.time() > deadline:
                raise RuntimeError("mctpmd made no control socket")
            time.sleep(0.05)

    def kill(self, proc):
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)

    def __enter__(self):
        self.start_sim()
        self.start_daemon()
        return self

    def __exit__(self, *exc):
        for p in (self.daemon, self.sim):
            if p is not None and p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
        if exc[0] is not None:
            for name, f in self.logs:
                f.flush()
                f.seek(0)
                print(f"---- {name} log ----\n" + f.read()[-3000:])
        if self.keep:
            print(f"kept {self.dir}")
        else:
            self.tmp.cleanup()

    # -- control ----------------------------------------------------------------
    def ctl(self, *argv, check=True):
        r = subprocess.run([ARGS.cli, "context", *argv, "--control", self.control],
                           capture_output=True, timeout=300)
        out = (r.stdout + r.stderr).decode(errors="replace")
        if check and r.returncode != 0:
            raise AssertionError(f"mctpm context {' '.join(argv)} failed ({r.returncode}):\n{out}")
        return out

    def launch(self, name, model="shared"):
        out = self.ctl("launch", "--vm", name, "--pcr-model", model, "--mssim-port", "0")
        m = re.search(r"mssim=(\d+)", out)
        expect(m, f"launch printed no mssim port:\n{out}")
        self.vms[name] = int(m.group(1))
        wait_port(self.vms[name], self.daemon, f"endpoint of {name}")
        return out

    def attach(self, name):
        self.ctl("attach", "--vm", name, "--mssim-port", str(self.vms[name]))
        wait_port(self.vms[name], self.daemon, f"endpoint of {name}")

    def status(self):
        return self.ctl("status")

    def stat(self, key):
        m = re.search(rf"\b{key}[=:]\s*(\d+)", self.status())
        expect(m, f"status has no {key}:\n{self.status()}")
        return int(m.group(1))

    # -- tools ------------------------------------------------------------------
    def tool(self, vm, *argv, check=True, data=None):
        port = self.root_port if vm is None else self.vms[vm]
        env = dict(os.environ, TPM2TOOLS_TCTI=f"mssim:host=127.0.0.1,port={port}")
        r = subprocess.run(list(argv), env=env, capture_output=True, input=data, timeout=300)
        if check and r.returncode != 0:
            raise AssertionError(f"[{vm or 'root'}] {' '.join(argv)} failed ({r.returncode}):\n"
                                 f"{r.stdout.decode(errors='replace')}{r.stderr.decode(errors='replace')}")
        return r

    def pcr(self, vm, bank, index):
        out = self.tool(vm, "tpm2_pcrread", f"{bank}:{index}").stdout.decode()
        vals = pcr_values(out, bank)
        expect(index in vals, f"no {bank}:{index} in:\n{out}")
        return vals[index]


def digest(tag):
    return hashlib.sha256(tag.encode()).digest()


def platform_setup(chip):
    """The host platform (root TPM, ring 0) boots and measures PCR 0 before any VM runs."""
    chip.tool(None, "tpm2_startup", "-c")
    d = digest("host firmware")
    chip.tool(None, "tpm2_pcrextend", f"0:sha256={d.hex()}")
    return extend(ZERO32, d, "sha256")


# ---------------------------------------------------------------- cases
def case_eight_vms_interleaved_see_own_pcrs(chip):
    pcr0 = platform_setup(chip)
    names = [f"vm{i}" for i in range(8)]
    for n in names:
        chip.launch(n)
    errors = []
    rounds = 3

    def run(n):
        try:
            chip.tool(n, "tpm2_startup", "-c")
            want16, want23 = ZERO32, bytes(20)
            for r in range(rounds):
                d = digest(f"{n} round {r}")
                d1 = hashlib.sha1(d).digest()
                chip.tool(n, "tpm2_pcrextend", f"16:sha256={d.hex()}", f"23:sha1={d1.hex()}")
                want16 = extend(want16, d, "sha256")
                want23 = extend(want23, d1, "sha1")
                out = chip.tool(n, "tpm2_pcrread", "sha256:0,16+sha1:23").stdout.decode()
                got256, got1 = pcr_values(out, "sha256"), pcr_values(out, "sha1")
                expect(got256.get(16) == want16, f"{n}: PCR16 {got256.get(16)} != {want16.hex()}")
                expect(got1.get(23) == want23, f"{n}: PCR23 is not its own")
                expect(got256.get(0) == pcr0, f"{n}: PCR0 is not the platform's")
        except Exception as e:  # reported after join
            errors.append(f"{n}: {e}")

    threads = [threading.Thread(target=run, args=(n,)) for n in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    expect(not errors, "\n".join(errors))
    swaps = chip.stat("swaps")
    expect(swaps >= len(names), f"only {swaps} swaps: the VMs were not interleaved")
    # The platform's own PCR 16 was never touched by any VM.
    expect(chip.pcr(None, "sha256", 16) == ZERO32, "a VM's extend reached the root TPM")


def case_vm_management_command_is_trapped(chip):
    platform_setup(chip)
    chip.launch("a")
    chip.tool("a", "tpm2_startup", "-c")
    d = digest("a")
    chip.tool("a", "tpm2_pcrextend", f"16:sha256={d.hex()}")
    chip_traps, vm_traps = chip.stat("traps"), chip.stat("trapped")
    counter = re.search(r"counter=(\d+)", chip.ctl("list")).group(1)
    for cc in ("20000104", "20000107", "20000101", "200001ff"):  # EXIT, CLEAR, XON, unassigned in the page
        cmd = bytes.fromhex("80010000000a" + cc) if cc != "20000107" else \
            bytes.fromhex("80010000000e" + cc + "00000001")
        r = chip.tool("a", "tpm2_send", data=cmd, check=False)
        expect(r.stdout[6:10] == bytes.fromhex("00000143"),
               f"management command {cc} from a VM answered {r.stdout.hex()} {r.stderr.decode()}")
    # The chip's count also holds the host's own traps (a status query in ring 1 traps too).
    expect(chip.stat("traps") >= chip_traps + 4, "the chip did not trap every management command")
    expect(chip.stat("trapped") == vm_traps + 4, "mctpmd did not see every VM command trapped")
    expect(chip.pcr("a", "sha256", 16) == extend(ZERO32, d, "sha256"), "the VM's state changed")
    expect(re.search(r"counter=(\d+)", chip.ctl("list")).group(1) == counter, "the context counter moved")


def case_ring1_cannot_extend_platform_pcrs(chip):
    pcr0 = platform_setup(chip)
    chip.launch("a")
    chip.tool("a", "tpm2_startup", "-c")
    for pcr in (0, 7, 15):
        r = chip.tool("a", "tpm2_pcrextend", f"{pcr}:sha256={digest('evil').hex()}", check=False)
        expect(r.returncode != 0, f"a VM extended platform PCR {pcr}")
        expect(b"locality" in (r.stdout + r.stderr).lower(), f"unexpected error: {r.stderr}")
    r = chip.tool("a", "tpm2_pcrreset", "16", check=False)  # its own debug PCR: allowed
    expect(r.returncode == 0, "a VM could not reset its own PCR 16")
    expect(chip.pcr(None, "sha256", 0) == pcr0, "platform PCR 0 changed")
    expect(chip.pcr("a", "sha256", 0) == pcr0, "the VM does not see platform PCR 0")


def case_private_pcr_model_owns_pcrs_0_to_15(chip):
    pcr0 = platform_setup(chip)
    chip.launch("guest", "private")
    chip.launch("shared")
    chip.tool("guest", "tpm2_startup", "-c")
    chip.tool("shared", "tpm2_startup", "-c")
    expect(chip.pcr("guest", "sha256", 0) == ZERO32, "a private context starts with the platform's PCR 0")
    d = digest("guest bios")
    chip.tool("guest", "tpm2_pcrextend", f"0:sha256={d.hex()}")
    expect(chip.pcr("guest", "sha256", 0) == extend(ZERO32, d, "sha256"), "private PCR 0 did not extend")
    expect(chip.pcr("shared", "sha256", 0) == pcr0, "the shared context lost the platform PCR 0")
    expect(chip.pcr(None, "sha256", 0) == pcr0, "the guest's extend reached the platform PCR 0")
    chip.ctl("exit", "--vm", "guest")
    expect(chip.pcr("guest", "sha256", 0) == extend(ZERO32, d, "sha256"), "private PCRs lost in a swap")


def case_blob_bound_to_platform_state(chip):
    platform_setup(chip)
    chip.launch("a")
    chip.tool("a", "tpm2_startup", "-c")
    chip.ctl("exit", "--vm", "a")
    chip.tool(None, "tpm2_pcrextend", f"3:sha256={digest('new vmm').hex()}")  # PCR 3 is in the default mask
    out = chip.ctl("resume", "--vm", "a", check=False)
    expect("PLATFORM" in out, f"a blob resumed under another platform state:\n{out}")


def case_state_survives_daemon_and_simulator_kills(chip):
    platform_setup(chip)
    names = ["a", "b", "c"]
    for n in names:
        chip.launch(n)
        chip.tool(n, "tpm2_startup", "-c")
    want = {n: ZERO32 for n in names}
    for cycle in range(4):
        # Interleave the VMs so that swaps run, and kill in the middle of them.
        stop = threading.Event()
        acked = {n: [] for n in names}
        in_flight = {n: None for n in names}  # the extend that got no answer: it may or may not have run

        def work(n):
            i = 0
            while not stop.is_set():
                d = digest(f"{n} {cycle} {i}")
                r = chip.tool(n, "tpm2_pcrextend", f"16:sha256={d.hex()}", check=False)
                if r.returncode != 0:
                    in_flight[n] = d
                    return
                acked[n].append(d)
                i += 1

        threads = [threading.Thread(target=work, args=(n,)) for n in names]
        for t in threads:
            t.start()
        time.sleep(1.5 + 0.4 * cycle)
        power_loss = cycle % 2 == 1  # odd cycles kill the chip, even ones the daemon
        chip.kill(chip.sim if power_loss else chip.daemon)
        stop.set()
        for t in threads:
            t.join()
        if power_loss:
            chip.kill(chip.daemon)
            chip.start_sim()
        chip.start_daemon()
        if power_loss:
            platform_setup(chip)  # a power cycle: the platform boots and measures again
        for n in names:
            chip.attach(n)
        listing = chip.ctl("list")
        for n in names:
            expect(re.search(rf"^{n}\b", listing, re.M), f"context {n} lost after the kill:\n{listing}")
            got = chip.pcr(n, "sha256", 16)
            # The chain of values the VM could be at: a daemon kill keeps every
            # acknowledged extend (+ maybe the one in flight); a power loss of
            # the chip may lose the changes since the context's last COMMIT,
            # never more, never to a value it did not pass through.
            chain, v = [want[n]], want[n]
            for d in acked[n] + ([in_flight[n]] if in_flight[n] else []):
                v = extend(v, d, "sha256")
                chain.append(v)
            expect(got in chain, f"{n}: PCR16 after the kill is no state it went through")
            if not power_loss:
                expect(chain.index(got) >= len(acked[n]), f"{n}: a daemon kill lost acknowledged extends")
            want[n] = got


def case_contexts_persist_across_clean_restart(chip):
    platform_setup(chip)
    chip.launch("a")
    chip.launch("b", "private")
    for n in ("a", "b"):
        chip.tool(n, "tpm2_startup", "-c")
        chip.tool(n, "tpm2_pcrextend", f"23:sha256={digest(n).hex()}")
    chip.daemon.terminate()
    chip.daemon.wait(timeout=30)
    chip.sim.terminate()
    chip.sim.wait(timeout=30)
    chip.start_sim()
    chip.start_daemon()
    # The platform must measure the same boot again for the blobs to open.
    chip.tool(None, "tpm2_startup", "-c")
    chip.tool(None, "tpm2_pcrextend", f"0:sha256={digest('host firmware').hex()}")
    for n in ("a", "b"):
        chip.attach(n)
        expect(chip.pcr(n, "sha256", 23) == extend(ZERO32, digest(n), "sha256"),
               f"{n}: PCR 23 not restored after a restart of mctpmd and mctpm-sim")


def case_clear_destroys_a_context(chip):
    platform_setup(chip)
    chip.launch("a")
    chip.tool("a", "tpm2_startup", "-c")
    chip.ctl("exit", "--vm", "a")
    chip.ctl("clear", "--vm", "a")
    listing = chip.ctl("list")
    expect(not re.search(r"^a\b", listing, re.M), f"cleared context still listed:\n{listing}")
    expect(not any(f.startswith("a.") for f in os.listdir(chip.store)), "cleared context left files")


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
    with Chip() as chip:
        fn(chip)
    print(f"{ARGS.case}: passed")


if __name__ == "__main__":
    main()
