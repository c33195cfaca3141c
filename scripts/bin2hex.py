#!/usr/bin/env python3
"""Firmware binary -> $readmemh file: one little-endian 32-bit word per line."""
import sys

data = open(sys.argv[1], "rb").read()
data += b"\0" * (-len(data) % 4)
with open(sys.argv[2], "w", encoding="ascii") as f:
    for i in range(0, len(data), 4):
        f.write(f"{int.from_bytes(data[i:i + 4], 'little'):08x}\n")
