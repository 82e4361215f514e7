#!/usr/bin/env bash
# Cost of the repair stage on clean text: zhnorm with and without
# --no-repair on the same UTF-8 input (so decoding is trivial and the repair
# scan is the difference), best of 3 wall-clock runs each; with --callgrind,
# instructions counted by valgrind's callgrind instead (repeatable on a
# shared machine, where wall clock is not), and a 1 KB input besides (the
# start-up cost).
#
# Two inputs, each repeated up to MB megabytes:
#   prose    the Chinese lines of corpus/control.txt (modern and classical
#            prose, manual pages): ordinary Chinese text
#   symbols  corpus/zh-hans.txt and zh-hant.txt, the Debian Reference, full
#            of Latin words, box drawing, arrows and quotes: the worst case of
#            clean text, where many lines have a character the repair looks at
#
# usage: scripts/bench-repair.sh [--callgrind] [ZHNORM] [MB]
#   ZHNORM  the zhnorm binary (default: target/release/zhnorm; build it with
#           `cargo build --release` first)
#   MB      size of each generated input in MB (default: 100; 1 with
#           --callgrind, which needs `apt-get install valgrind`)
set -euo pipefail
callgrind=
if [ "${1:-}" = --callgrind ]; then
  callgrind=1
  shift
fi
zhnorm=${1:-target/release/zhnorm}
mb=${2:-$([ -n "$callgrind" ] && echo 1 || echo 100)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$work" "$mb" <<'PY'
import pathlib, sys
work, mb = pathlib.Path(sys.argv[1]), int(sys.argv[2])
control = pathlib.Path("corpus/control.txt").read_text("utf-8").splitlines()
prose = "".join(l.split("\t", 1)[1] + "\n" for l in control if l.startswith("zh-"))
symbols = pathlib.Path("corpus/zh-hans.txt").read_text("utf-8") + pathlib.Path("corpus/zh-hant.txt").read_text("utf-8")
common = "中文文本处理是一项常见的任务，我们需要把它做好并且写清楚。\n"
for name, text in [("prose", prose), ("symbols", symbols), ("common", common)]:
    unit = text.encode("utf-8")
    (work / f"{name}.txt").write_bytes(unit * max(1, mb * 1_000_000 // len(unit)))
(work / "1kb-prose.txt").write_text(prose.encode("utf-8")[:1000].decode("utf-8", "ignore"), "utf-8")
PY

if [ -n "$callgrind" ]; then
  instructions() {
    valgrind --tool=callgrind --callgrind-out-file="$work/cg" "$zhnorm" --no-config "$@" > /dev/null 2> "$work/err" \
      || { cat "$work/err" >&2; exit 2; }
    awk '/^(summary|totals):/ { print $2; exit }' "$work/cg"
  }
  printf '%-10s %8s %16s %16s %10s\n' input MB "repair (instr)" "no-repair" "cost"
  for name in 1kb-prose prose symbols common; do
    file="$work/$name.txt"
    with=$(instructions --from utf-8 --glosses=keep "$file")
    without=$(instructions --from utf-8 --glosses=keep --no-repair "$file")
    python3 -c "import os; mb=os.path.getsize('$file')/1e6; w,o=$with,$without; print(f'{\"$name\":<10} {mb:8.3f} {w:16,} {o:16,} {100*(w-o)/o:+9.1f}%')"
  done
  exit 0
fi

. "$(dirname "$0")/best-time.sh"

printf '%-10s %8s %14s %14s %10s\n' input MB "repair (s)" "no-repair (s)" "cost"
for name in prose symbols common; do
  file="$work/$name.txt"
  with=$(best "$zhnorm" --from utf-8 --glosses=keep "$file")
  cp "$work/out" "$work/with.out"
  without=$(best "$zhnorm" --from utf-8 --glosses=keep --no-repair "$file")
  cmp -s "$work/out" "$work/with.out" || echo "note: repair changed the $name text" >&2
  python3 -c "import os,sys; mb=os.path.getsize('$file')/1e6; w,o=$with,$without; print(f'{\"$name\":<10} {mb:8.1f} {w:14.2f} {o:14.2f} {100*(w-o)/o:+9.1f}%')"
done
