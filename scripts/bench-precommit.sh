#!/usr/bin/env bash
# Wall time of zhnorm on pre-commit's calling pattern: many small files named
# on the command line, the hooks' own command lines, with the project's
# settings asking for s2twp (so the conversion dictionary is loaded).
#
# usage: scripts/bench-precommit.sh [ZHNORM] [FILES]
#   ZHNORM  the zhnorm binary (default: target/release/zhnorm)
#   FILES   number of files (default: 200)
# The files are 0.3-2 KB cut from corpus/zh-hans.txt (Debian Reference, see
# corpus/README.md): a third GBK, a third Simplified UTF-8 with CRLF, a third
# already clean. Runs:
#   - `zhnorm --check --force-exclude FILES` (the zhnorm-check hook), one process;
#   - the same split like pre-commit's xargs: one batch per core, in parallel;
#   - `zhnorm --write --force-exclude FILES` (the zhnorm hook) on fresh copies,
#     one process and in batches;
#   - one 1 KB file: start-up, settings and dictionary loading included.
# Uses hyperfine when it is installed, else a loop timed with date +%s%N.
set -euo pipefail
cd "$(dirname "$0")/.."
zhnorm=$(realpath "${1:-target/release/zhnorm}")
count=${2:-200}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/repo/.git" "$work/pristine"
python3 - "$work/pristine" "$count" <<'PY'
import pathlib, random, sys
out, count = pathlib.Path(sys.argv[1]), int(sys.argv[2])
lines = [l for l in pathlib.Path("corpus/zh-hans.txt").read_text("utf-8").splitlines() if l.strip()]
rng = random.Random(6)
for i in range(count):
    text, target = "", rng.randrange(300, 2000)
    while len(text.encode()) < target:
        text += rng.choice(lines) + "\n"
    kind = i % 3
    if kind == 0:
        data = text.encode("gbk", errors="ignore")
    elif kind == 1:
        data = text.replace("\n", "\r\n").encode()
    else:
        data = text.encode()
    (out / f"doc{i:03}.txt").write_bytes(data)
PY
printf 'convert = "s2twp"\neol = "lf"\n' >"$work/repo/zhnorm.toml"
cp "$work"/pristine/* "$work/repo/"
cd "$work/repo"
files=(doc*.txt)
cores=$(nproc)
per_batch=$(((${#files[@]} + cores - 1) / cores))
cat >"$work/xargs.sh" <<EOF
#!/usr/bin/env bash
printf '%s\0' doc*.txt | xargs -0 -P $cores -n $per_batch "$zhnorm" --check --force-exclude >/dev/null || true
EOF
cat >"$work/fix-xargs.sh" <<EOF
#!/usr/bin/env bash
printf '%s\0' doc*.txt | xargs -0 -P $cores -n $per_batch "$zhnorm" --write --force-exclude -q
EOF
cat >"$work/fix.sh" <<EOF
#!/usr/bin/env bash
cp "$work"/pristine/* "$work/repo/" && "$zhnorm" --write --force-exclude -q doc*.txt
EOF
cat >"$work/fix-xargs-fresh.sh" <<EOF
#!/usr/bin/env bash
cp "$work"/pristine/* "$work/repo/" && "$work/fix-xargs.sh"
EOF
cat >"$work/restore.sh" <<EOF
#!/usr/bin/env bash
cp "$work"/pristine/* "$work/repo/"
EOF
chmod +x "$work"/*.sh
small=$(ls -S doc*.txt | tail -n "$((count / 2))" | head -n 1)

echo "zhnorm $("$zhnorm" --version | cut -d' ' -f2), ${#files[@]} files ($(cat doc*.txt | wc -c) bytes), $cores cores, s2twp"
if command -v hyperfine >/dev/null; then
  hyperfine --warmup 2 -N -i \
    -n "check, 1 process" "$zhnorm --check --force-exclude ${files[*]}" \
    -n "check, $cores processes (xargs)" "$work/xargs.sh" \
    -n "one file ($small)" "$zhnorm --check $small"
  hyperfine --warmup 1 -N --prepare "$work/restore.sh" \
    -n "write, 1 process" "$zhnorm --write --force-exclude -q ${files[*]}" \
    -n "write, $cores processes (xargs)" "$work/fix-xargs.sh"
else
  time_ms() { # LABEL RUNS COMMAND...: mean wall time in ms
    local label=$1 runs=$2 start end
    shift 2
    "$@" >/dev/null 2>&1 || true
    start=$(date +%s%N)
    for _ in $(seq "$runs"); do "$@" >/dev/null 2>&1 || true; done
    end=$(date +%s%N)
    printf '%-36s %8.1f ms (mean of %d)\n' "$label" "$(echo "($end - $start) / 1000000 / $runs" | bc -l)" "$runs"
  }
  time_ms "check, 1 process" 20 "$zhnorm" --check --force-exclude "${files[@]}"
  time_ms "check, $cores processes (xargs)" 20 "$work/xargs.sh"
  time_ms "one file ($small)" 50 "$zhnorm" --check "$small"
  time_ms "copy the files back (subtract it)" 20 "$work/restore.sh"
  time_ms "copy back + write, 1 process" 20 "$work/fix.sh"
  time_ms "copy back + write, $cores processes" 20 "$work/fix-xargs-fresh.sh"
fi
