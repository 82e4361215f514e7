#!/usr/bin/env python3
"""zhnorm's mojibake repair side by side with ftfy on the same generated set.

Runs tests/repair_eval.rs with ZHNORM_REPAIR_DUMP to get every sample
(family, script, length, original, garbled, zhnorm's repair), runs
`ftfy.fix_encoding` on each garbled text, and prints the share of exact
repairs of both per family, script and length. Then runs both on the clean
control set (corpus/control.txt and the two corpus files) and prints how many
lines each changes (and `ftfy.fix_text`, ftfy's default, for reference).

Usage: python3 scripts/compare-ftfy.py   (needs `pip install ftfy`; builds
the test in release mode; ZHNORM_REPAIR_SAMPLES=n sets the samples per cell)
"""

import collections
import json
import os
import subprocess
import sys
import tempfile

import ftfy

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LENGTHS = ["Title", "Sentence", "Paragraph"]


def dump_samples(path):
    env = dict(os.environ, ZHNORM_REPAIR_DUMP=path)
    cmd = ["cargo", "test", "--release", "--quiet", "--test", "repair_eval", "repair_meets_the_floors", "--", "--nocapture"]
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def cell(right, n):
    return f"{100 * right / n:5.1f}% ({right}/{n})" if n else "-"


def main():
    with tempfile.TemporaryDirectory() as work:
        samples = dump_samples(os.path.join(work, "samples.jsonl"))
    # (family, script) -> length -> [zhnorm right, ftfy right, n]
    table = collections.defaultdict(lambda: {length: [0, 0, 0] for length in LENGTHS})
    for s in samples:
        counts = table[(s["family"], s["script"])][s["length"]]
        counts[0] += s["repaired"] == s["original"]
        counts[1] += ftfy.fix_encoding(s["garbled"]) == s["original"]
        counts[2] += 1
    print(f"exact repairs on the generated set: zhnorm | ftfy {ftfy.__version__} fix_encoding")
    header = f"{'family':<36} {'script':<12}" + "".join(f" {l + ' zhnorm':>21} {l + ' ftfy':>21}" for l in LENGTHS)
    print(header)
    for (family, script), cells in sorted(table.items()):
        row = f"{family:<36} {script:<12}"
        for length in LENGTHS:
            z, f, n = cells[length]
            row += f" {cell(z, n):>21} {cell(f, n):>21}"
        print(row)

    lines = []
    with open(os.path.join(ROOT, "corpus", "control.txt"), encoding="utf-8") as f:
        lines += [line.rstrip("\n").split("\t", 1) for line in f]
    for name, category in [("zh-hans.txt", "zh-hans-prose"), ("zh-hant.txt", "zh-hant-prose")]:
        with open(os.path.join(ROOT, "corpus", name), encoding="utf-8") as f:
            lines += [[category, line.rstrip("\n")] for line in f]
    changed = collections.defaultdict(lambda: [0, 0, 0])
    for category, text in lines:
        counts = changed[category]
        counts[0] += 1
        counts[1] += ftfy.fix_encoding(text) != text
        counts[2] += ftfy.fix_text(text) != text
    print()
    print("clean control set, lines changed (zhnorm: 0 in every category, asserted by tests/repair_eval.rs):")
    print(f"{'category':<20} {'lines':>6} {'ftfy fix_encoding':>18} {'ftfy fix_text':>14}")
    total = [0, 0, 0]
    for category, counts in sorted(changed.items()):
        print(f"{category:<20} {counts[0]:>6} {counts[1]:>18} {counts[2]:>14}")
        total = [a + b for a, b in zip(total, counts)]
    print(f"{'all':<20} {total[0]:>6} {total[1]:>18} {total[2]:>14}")


if __name__ == "__main__":
    sys.exit(main())
