#!/usr/bin/env python3
"""Turn a spec/*.def file into a Verilog header and a C/C++ header.

The .def files under spec/ are the one source of truth for addresses,
register offsets and identity values shared by RTL, firmware and host.
Usage: gen_defs.py INPUT.def OUT.vh OUT.h
"""
import re
import sys


def parse(path):
    defs = []
    for lineno, raw in enumerate(open(path, encoding="ascii"), 1):
        line = raw.split("#", 1)
        comment = line[1].strip() if len(line) > 1 else ""
        body = line[0].strip()
        if not body:
            continue
        parts = body.split()
        if len(parts) != 2 or not re.fullmatch(r"[A-Z][A-Z0-9_]*", parts[0]):
            sys.exit(f"{path}:{lineno}: expected 'NAME VALUE', got {body!r}")
        name, text = parts
        try:
            value = int(text, 0)
        except ValueError:
            sys.exit(f"{path}:{lineno}: {text!r} is not a number")
        if not 0 <= value < 1 << 32:
            sys.exit(f"{path}:{lineno}: {text!r} does not fit 32 bits")
        defs.append((name, value, comment))
    return defs


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    src, out_vh, out_h = sys.argv[1:]
    defs = parse(src)
    stem = re.sub(r"\W", "_", src.rsplit("/", 1)[-1]).upper()
    note = f"Generated from {src.rsplit('/', 1)[-1]} by scripts/gen_defs.py. Do not edit."
    with open(out_vh, "w", encoding="ascii") as f:
        f.write(f"// {note}\n`ifndef MCTPM_{stem}_VH\n`define MCTPM_{stem}_VH\n")
        for name, value, comment in defs:
            tail = f"  // {comment}" if comment else ""
            f.write(f"`define MCTPM_{name} 32'h{value:08X}{tail}\n")
        f.write("`endif\n")
    with open(out_h, "w", encoding="ascii") as f:
        f.write(f"// {note}\n#ifndef MCTPM_{stem}_H\n#define MCTPM_{stem}_H\n")
        # MCTPM_U adds the unsigned suffix in C and C++; a linker script
        # preprocessed with this header defines it away first.
        f.write("#ifndef MCTPM_U\n#define MCTPM_U(x) x##u\n#endif\n")
        for name, value, comment in defs:
            tail = f"  // {comment}" if comment else ""
            f.write(f"#define MCTPM_{name} MCTPM_U(0x{value:08X}){tail}\n")
        f.write("#endif\n")


if __name__ == "__main__":
    main()
