#!/usr/bin/env bash
# Cost of the repair stage on clean text: zhnorm with and without
# --no-repair on the same UTF-8 input (so decoding is trivial and the repair
# scan is the difference), best of 3 wall-clock runs each; with --callgrind,
# instructions counted by valgrind's callgrind instead (repeatable on a
# shared machine, where wall clock is not), and a 1 KB input besides (the
# start-up cost).
#
# The inputs, each repeated up to MB megabytes:
#   prose    the Chinese lines of corpus/control.txt (modern and classical
#            prose, manual pages): ordinary Chinese text
#   symbols  corpus/zh-hans.txt and zh-hant.txt, the Debian Reference, full
#            of Latin words, box drawing, arrows and quotes: the worst case of
#            clean text, where many lines have a character the repair looks at
#   garbled  the lines of symbols, every other one garbled by one of the seven
#            families in turn (UTF-8 read as GBK, Big5, Latin-1; GBK and Big5
#            read as Latin-1; GBK and Big5 read as each other; lines a family
#            cannot garble are left clean)
#   common   one sentence of common Chinese
# and each of prose, symbols and garbled again as one line (`-1line`: its line
# ends taken out, as in a file of minified text), whose output is compared
# with the line-ended input's output with its line ends taken out (a note
# says where they first differ).
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
families = [("utf-8", "gbk"), ("utf-8", "big5"), ("utf-8", "cp1252"), ("gbk", "latin-1"), ("big5", "latin-1"),
            ("gbk", "big5"), ("big5", "gbk")]
garbled, turn = [], 0
for i, line in enumerate(symbols.splitlines()):
    if i % 2 and line.strip():
        right, wrong = families[turn % len(families)]
        turn += 1
        try:
            line = line.encode(right).decode(wrong)
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    garbled.append(line + "\n")
for name, text in [("prose", prose), ("symbols", symbols), ("garbled", "".join(garbled)), ("common", common)]:
    unit = text.encode("utf-8")
    whole = unit * max(1, mb * 1_000_000 // len(unit))
    (work / f"{name}.txt").write_bytes(whole)
    if name != "common":
        (work / f"{name}-1line.txt").write_bytes(whole.replace(b"\n", b""))
(work / "1kb-prose.txt").write_text(prose.encode("utf-8")[:1000].decode("utf-8", "ignore"), "utf-8")
PY

if [ -n "$callgrind" ]; then
  instructions() {
    valgrind --tool=callgrind --callgrind-out-file="$work/cg" "$zhnorm" --no-config "$@" > /dev/null 2> "$work/err" \
      || { cat "$work/err" >&2; exit 2; }
    awk '/^(summary|totals):/ { print $2; exit }' "$work/cg"
  }
  printf '%-14s %8s %16s %16s %10s\n' input MB "repair (instr)" "no-repair" "cost"
  for name in 1kb-prose prose prose-1line symbols symbols-1line garbled garbled-1line common; do
    file="$work/$name.txt"
    with=$(instructions --from utf-8 --glosses=keep "$file")
    without=$(instructions --from utf-8 --glosses=keep --no-repair "$file")
    python3 -c "import os; mb=os.path.getsize('$file')/1e6; w,o=$with,$without; print(f'{\"$name\":<14} {mb:8.3f} {w:16,} {o:16,} {100*(w-o)/max(o,0.01):+9.1f}%')"
  done
  exit 0
fi

. "$(dirname "$0")/best-time.sh"

printf '%-14s %8s %14s %14s %10s\n' input MB "repair (s)" "no-repair (s)" "cost"
for name in prose prose-1line symbols symbols-1line garbled garbled-1line common; do
  file="$work/$name.txt"
  with=$(best "$zhnorm" --no-config --from utf-8 --glosses=keep "$file")
  cp "$work/out" "$work/$name.out"
  without=$(best "$zhnorm" --no-config --from utf-8 --glosses=keep --no-repair "$file")
  cmp -s "$work/out" "$work/$name.out" || echo "note: repair changed the $name text" >&2
  case $name in
    *-1line)
      tr -d '\n' < "$work/${name%-1line}.out" > "$work/lines.out"
      cmp -s "$work/lines.out" "$work/$name.out" \
        || echo "note: $name repairs unlike the line-ended text: $(cmp "$work/lines.out" "$work/$name.out" 2>&1)" >&2
      ;;
  esac
  python3 -c "import os,sys; mb=os.path.getsize('$file')/1e6; w,o=$with,$without; print(f'{\"$name\":<14} {mb:8.1f} {w:14.2f} {o:14.2f} {100*(w-o)/max(o,0.01):+9.1f}%')"
done
