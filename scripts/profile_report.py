#!/usr/bin/env python3
"""Top firmware functions by cycles from an `mctpm-sim --profile` histogram.

usage: profile_report.py PROFILE FIRMWARE_ELF [--top N] [--lines N]

Addresses are mapped to functions with riscv64-unknown-elf-nm (symbol sizes)
and, for --lines, to source lines with riscv64-unknown-elf-addr2line.
"""
import argparse
import bisect
import subprocess
import sys

NM = "riscv64-unknown-elf-nm"
ADDR2LINE = "riscv64-unknown-elf-addr2line"


def read_profile(path):
    hist = {}
    other = 0
    with open(path) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            key, count = line.split()
            if key == "other":
                other = int(count)
            else:
                hist[int(key, 16)] = int(count)
    return hist, other


def read_functions(elf):
    """Sorted (start, end, name) of the ELF's code symbols."""
    out = subprocess.run([NM, "-C", "-S", "-n", "--defined-only", elf], check=True,
                         capture_output=True, text=True).stdout
    funcs = []
    for line in out.splitlines():
        parts = line.split(None, 3)
        if len(parts) == 4 and parts[2] in "tTwW":
            start, size = int(parts[0], 16), int(parts[1], 16)
            funcs.append((start, start + size, parts[3]))
    funcs.sort()
    return funcs


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("profile")
    ap.add_argument("elf")
    ap.add_argument("--top", type=int, default=10, help="functions to list (default 10)")
    ap.add_argument("--lines", type=int, default=0, help="also list the N hottest source lines")
    args = ap.parse_args()

    hist, other = read_profile(args.profile)
    funcs = read_functions(args.elf)
    starts = [f[0] for f in funcs]
    total = sum(hist.values()) + other
    if total == 0:
        print("empty profile (no command ran while profiling?)")
        return 0

    by_func = {}
    for addr, count in hist.items():
        i = bisect.bisect_right(starts, addr) - 1
        name = funcs[i][2] if i >= 0 and addr < funcs[i][1] else "?%08x" % addr
        by_func[name] = by_func.get(name, 0) + count
    if other:
        by_func["(outside ROM)"] = other

    print("%12s %6s  %s" % ("cycles", "%", "function"))
    for name, count in sorted(by_func.items(), key=lambda kv: -kv[1])[:args.top]:
        print("%12d %5.1f%%  %s" % (count, 100.0 * count / total, name))
    print("%12d 100.0%%  total" % total)

    if args.lines:
        hot = sorted(hist.items(), key=lambda kv: -kv[1])
        # Aggregate per source line: several instructions share one.
        addrs = [a for a, _ in hot]
        res = subprocess.run([ADDR2LINE, "-e", args.elf, "-f", "-C"] + ["%x" % a for a in addrs],
                             check=True, capture_output=True, text=True).stdout.splitlines()
        by_line = {}
        for k, (addr, count) in enumerate(hot):
            func, loc = res[2 * k], res[2 * k + 1]
            key = "%s  %s" % (loc.rsplit("/", 1)[-1].split(" ")[0], func)
            by_line[key] = by_line.get(key, 0) + count
        print()
        print("%12s %6s  %s" % ("cycles", "%", "source line  function"))
        for key, count in sorted(by_line.items(), key=lambda kv: -kv[1])[:args.lines]:
            print("%12d %5.1f%%  %s" % (count, 100.0 * count / total, key))
    return 0


if __name__ == "__main__":
    sys.exit(main())
