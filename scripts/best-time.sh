# Sourced by the benchmark scripts. best CMD...: the best wall time of 3 runs
# of CMD, in seconds; CMD's output is left in "$work/out" (the sourcing script
# sets $work).
best() {
  local best=999999 t
  for _ in 1 2 3; do
    t=$( { /usr/bin/time -f %e "$@" > "$work/out" ; } 2>&1 | tail -1 )
    best=$(python3 -c "print(min($best, $t))")
  done
  echo "$best"
}
