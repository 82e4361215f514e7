#!/usr/bin/env python3
"""Writes an OpenCC text dictionary of N random entries, for timing how
fast custom dictionaries (--dict, -c my.json) are built.

usage: scripts/make-dict.py N [SEED] > dict.txt

Keys are 2 to 6 characters drawn uniformly from the CJK Unified
Ideographs block (U+4E00..U+9FFF); each value is a key's characters
reversed. A key drawn again is skipped, as zhnorm (like OpenCC) refuses a
dictionary with a key given twice: the file has N distinct keys. The same
N and SEED give the same file. The text is made here, from nothing but the
random generator."""
import random
import sys

n = int(sys.argv[1])
rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
out = []
seen = set()
while len(out) < n:
    key = "".join(chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(rng.randint(2, 6)))
    if key not in seen:
        seen.add(key)
        out.append(f"{key}\t{key[::-1]}\n")
sys.stdout.write("".join(out))
