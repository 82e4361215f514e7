#!/usr/bin/env bash
# Conversion speed of zhnorm against the opencc command (and any other
# converter you name), on the same files in the same run: throughput on a
# large input, start-up plus conversion of a 1 KB file, peak memory, and the
# ratio of each tool's throughput to opencc's.
#
# usage: scripts/bench-convert.sh --opencc PATH [options]
#   --opencc PATH     the opencc command (required), e.g. the pip package's
#                     $(python3 -c 'import opencc,os;print(os.path.dirname(opencc.__file__))')/clib/bin/opencc;
#                     its configurations are taken from ../share/opencc next to it
#   --zhnorm PATH     the zhnorm binary (default: target/release/zhnorm;
#                     build it with `cargo build --release` first)
#   --tool NAME=CMD   another converter (repeatable): CMD is run by bash with
#                     {config}, {in} and {out} replaced; a tool that names
#                     its targets otherwise maps the configurations itself,
#                     e.g. a zhconv binary that takes a variant and converts
#                     stdin to stdout:
#                     --tool 'zhconv=declare -A v=([s2t]=zh-Hant [t2s]=zh-Hans
#                       [s2twp]=zh-TW [tw2sp]=zh-CN); ZHCONV ${v[{config}]} < {in} > {out}'
#   --iconv PATH      iconv, run as `iconv -f utf-8 -t utf-8`: the floor, a
#                     tool that only copies (default: iconv if found)
#   --corpus DIR      where scripts/fetch-opencc-corpus.sh put its files
#                     (default: target/opencc-corpus)
#   --mb N            size of each generated input in MB (default: 50)
#   --configs LIST    configurations (default: "s2t t2s s2twp tw2sp")
#   --runs N          runs per measurement, the best counts (default: 1;
#                     start-up is the median of 20 runs)
# Needs python3 and /usr/bin/time (Debian: package time). Installs and
# fetches nothing. The inputs: the Simplified corpus files
# (zh_CN, zh-cn) repeated up to --mb for configurations from Simplified
# (s2*), the Traditional ones (zh_TW, zh-tw) for the others.
# Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
opencc="" zhnorm=target/release/zhnorm iconv=$(command -v iconv || true) corpus=target/opencc-corpus
mb=50 configs="s2t t2s s2twp tw2sp" runs=1 tools=()
while [[ $# -gt 0 ]]; do
    case $1 in
        --opencc) opencc=$2; shift 2 ;;
        --zhnorm) zhnorm=$2; shift 2 ;;
        --tool) tools+=("$2"); shift 2 ;;
        --iconv) iconv=$2; shift 2 ;;
        --corpus) corpus=$2; shift 2 ;;
        --mb) mb=$2; shift 2 ;;
        --configs) configs=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        *) echo "bench-convert.sh: unknown argument $1 (see the head of the script)" >&2; exit 2 ;;
    esac
done
[[ -x $opencc ]] || { echo "bench-convert.sh: --opencc PATH is required (the opencc command)" >&2; exit 2; }
[[ -x $zhnorm ]] || { echo "bench-convert.sh: $zhnorm is missing: run cargo build --release" >&2; exit 2; }
ls "$corpus"/*zh_CN*.txt "$corpus"/*zh-cn*.txt >/dev/null 2>&1 || {
    echo "bench-convert.sh: no corpus in $corpus: run scripts/fetch-opencc-corpus.sh $corpus" >&2; exit 2; }

python3 - "$opencc" "$zhnorm" "$iconv" "$corpus" "$mb" "$configs" "$runs" "${tools[@]}" <<'PY'
import os, pathlib, shlex, statistics, subprocess, sys, tempfile, time

opencc, zhnorm, iconv, corpus, mb, configs, runs, *extra = sys.argv[1:]
mb, runs, configs = int(mb), int(runs), configs.split()
corpus = pathlib.Path(corpus)
share = pathlib.Path(opencc).resolve().parent.parent / "share" / "opencc"
work = pathlib.Path(tempfile.mkdtemp(prefix="bench-convert-"))

def make_input(script):
    keys = ("zh_CN", "zh-cn") if script == "hans" else ("zh_TW", "zh-tw")
    files = sorted(f for f in corpus.glob("*.txt") if any(k in f.name for k in keys))
    unit = b"".join(f.read_bytes() for f in files)
    big, small = work / f"{script}.txt", work / f"{script}-1k.txt"
    reps = -(-mb * 1_000_000 // len(unit))
    with open(big, "wb") as out:
        for _ in range(reps):
            out.write(unit)
    head = unit[:1024]
    small.write_bytes(head[: head.rfind(b"\n") + 1])
    return big, small

inputs = {s: make_input(s) for s in ("hans", "hant")}

def run(cmd):
    """Wall seconds and peak RSS (KiB, from /usr/bin/time) of one run of the
    shell command; the tools' warnings are dropped."""
    rss = work / "rss"
    start = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", str(rss), "bash", "-c", cmd], stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"bench-convert.sh: failed: {cmd}")
    return wall, int(rss.read_text().split()[-1])

def commands(config):
    q = shlex.quote
    yield "opencc", f"{q(opencc)} -c {q(str(share / (config + '.json')))} -i {{in}} -o {{out}}"
    yield "zhnorm", f"{q(zhnorm)} -c {config} {{in}} > {{out}}"
    yield "zhnorm --no-repair", f"{q(zhnorm)} --no-repair -c {config} {{in}} > {{out}}"
    for spec in extra:
        name, _, template = spec.partition("=")
        yield name, template.replace("{config}", config)
    if iconv:
        yield "iconv (copy only)", f"{q(iconv)} -f utf-8 -t utf-8 {{in}} > {{out}}"

print(f"Input: corpus text repeated to {mb} MB per script; start-up: 1 KB file, median of 20 runs.\n")
print("| config | tool | MB/s | start-up + 1 KB (ms) | peak RSS (MB) | × opencc |")
print("|---|---|---:|---:|---:|---:|")
for config in configs:
    big, small = inputs["hans" if config.startswith("s2") else "hant"]
    size = big.stat().st_size
    base = None
    for name, template in commands(config):
        fill = lambda f: template.replace("{in}", shlex.quote(str(f))).replace("{out}", shlex.quote(str(work / "out")))
        best, rss = min(run(fill(big)) for _ in range(runs))
        startup = statistics.median(run(fill(small))[0] for _ in range(20))
        speed = size / best / 1e6
        base = base or speed
        print(f"| {config} | {name} | {speed:.1f} | {startup * 1e3:.1f} | {rss / 1024:.0f} | {speed / base:.1f} |")
bash = statistics.median(run("true")[0] for _ in range(20))
print(f"\nStart-up figures include about {bash * 1e3:.1f} ms for the `/usr/bin/time bash -c` that runs each command.")
for f in work.iterdir():
    f.unlink()
work.rmdir()
PY
