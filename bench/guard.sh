#!/bin/sh
# guard.sh - the performance regression guard: counts instructions with
# callgrind (no timing, so no flakiness) on fixed, generated inputs and
# fails when a count exceeds its budget in bench/budget.txt by more than
# 10%, or when the cost per document grows with the number of documents
# (a quadratic step).  Skips (77) without valgrind or in a build whose
# counts the budget does not describe.
#   DP_UPDATE_BUDGET=1 meson test -C build perf-budget   rewrites the budget
set -u
bin=${DP_BINARY:?run through meson test}
gen=${DP_GEN_CORPUS:?}
budget=${DP_BUDGET_FILE:?}
buildtype=${DP_BUILDTYPE:-}
sanitize=${DP_SANITIZE:-none}

if [ -n "${DP_EXEC_WRAPPER:-}" ]; then
	echo "perf-budget: already under $DP_EXEC_WRAPPER: skipped"; exit 77
fi
if ! command -v valgrind >/dev/null 2>&1; then
	echo "perf-budget: valgrind not found: skipped"; exit 77
fi
if [ "$buildtype" != debugoptimized ] || [ "$sanitize" != none ]; then
	echo "perf-budget: budgets are for a debugoptimized build without" \
	     "sanitizers (this one: $buildtype, $sanitize): skipped"
	exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 pass=0

# ir ARGS...: instructions dts-preflight executes for ARGS.
ir() {
	valgrind --tool=callgrind --callgrind-out-file=/dev/null \
		"$bin" -q "$@" 2>"$tmp/vg" >/dev/null
	n=$(sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' "$tmp/vg")
	if [ -z "$n" ]; then
		echo "perf-budget: no count from callgrind:" >&2
		cat "$tmp/vg" >&2
		exit 1
	fi
	echo "$n"
}

"$gen" small "$tmp/c100" 100 1 2>/dev/null &&
"$gen" small "$tmp/c400" 400 1 2>/dev/null &&
"$gen" roles "$tmp/r5.json" 5 1 --terraform &&
"$gen" roles "$tmp/r50.json" 50 1 --terraform &&
"$gen" roles "$tmp/r500.json" 500 1 --terraform || exit 1
one=$tmp/c100/$(awk -F'\t' '$2 == "ram-get-role" && $3 == "none" { print $1; exit }' \
	"$tmp/c100/MANIFEST.tsv")
mkdir "$tmp/empty"

one_ir=$(ir "$one")
empty_ir=$(ir "$tmp/empty")
c100=$(ir "$tmp/c100")
c400=$(ir "$tmp/c400")
r5=$(ir "$tmp/r5.json")
r50=$(ir "$tmp/r50.json")
r500=$(ir "$tmp/r500.json")

if [ "${DP_UPDATE_BUDGET:-}" = 1 ]; then
	{
		sed -n '/^#/p' "$budget"
		echo "one-file $one_ir"
		echo "corpus-400 $c400"
		echo "plan-500-roles $r500"
	} >"$tmp/budget" && cp "$tmp/budget" "$budget"
	echo "perf-budget: wrote $budget"
	cat "$budget"
	exit 0
fi

# within NAME COUNT: COUNT is at most 110% of NAME's budget.
within() {
	b=$(awk -v k="$1" '$1 == k { print $2 }' "$budget")
	if [ -z "$b" ]; then
		echo "FAIL: $1: no budget in $budget"; fail=$((fail + 1)); return
	fi
	pct=$(awk -v n="$2" -v b="$b" 'BEGIN { printf "%+.1f", (n - b) * 100 / b }')
	if awk -v n="$2" -v b="$b" 'BEGIN { exit !(n > b * 1.10) }'; then
		echo "FAIL: $1: $2 instructions, budget $b ($pct%, more than +10%)"
		fail=$((fail + 1))
	else
		echo "ok: $1: $2 instructions, budget $b ($pct%)"
		pass=$((pass + 1))
		if awk -v n="$2" -v b="$b" 'BEGIN { exit !(n < b * 0.85) }'; then
			echo "  (well under budget: record the gain with DP_UPDATE_BUDGET=1)"
		fi
	fi
}

# linear NAME SMALL_N SMALL_IR BIG_N BIG_IR BASE_N BASE_IR: the cost of
# each document above the base case must not grow by more than half
# from the small case to the big one.
linear() {
	awk -v name="$1" -v sn="$2" -v si="$3" -v bn="$4" -v bi="$5" \
	    -v on="$6" -v oi="$7" 'BEGIN {
		small = (si - oi) / (sn - on); big = (bi - si) / (bn - sn)
		printf "%s: %.0f instructions each up to %d, %.0f each from %d to %d (x%.2f)\n",
			name, small, sn, big, sn, bn, big / small
		exit !(big <= small * 1.5)
	}'
}

within one-file "$one_ir"
within corpus-400 "$c400"
within plan-500-roles "$r500"
if linear "files" 100 "$c100" 400 "$c400" 0 "$empty_ir"; then
	pass=$((pass + 1))
else
	echo "FAIL: the cost of a file grows with the number of files"
	fail=$((fail + 1))
fi
if linear "plan roles" 50 "$r50" 500 "$r500" 5 "$r5"; then
	pass=$((pass + 1))
else
	echo "FAIL: the cost of a role grows with the number of roles"
	fail=$((fail + 1))
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
