#!/bin/sh
# catalog.sh - the copy of rules/ built into the program (src/catalog.h)
# changes no output: every golden group runs again with
# DTS_PREFLIGHT_RULES_DIR at a copy of rules/ whose files each end in one
# more newline (so none is byte for byte the built-in copy: every file is
# parsed), and `rules` prints the same through both.
set -u
golden=${1:?usage: catalog.sh TEST_GOLDEN}
bin=${DP_BINARY:?run through meson test}
src=${DP_SOURCE_ROOT:?}
wrap=${DP_EXEC_WRAPPER:-}
# valgrind cannot follow a static glibc: under it, the dynamic twin.
[ -n "$wrap" ] && bin=${DP_BINARY_DYNAMIC:-$bin}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

cp -R "$src/rules" "$tmp/rules"
for f in "$tmp"/rules/*.json "$tmp"/rules/tables/*.json; do
	printf '\n' >>"$f"
done

for g in "$src"/testdata/cases/*/; do
	name=$(basename "$g")
	# shellcheck disable=SC2086 # $wrap is a command line
	if DTS_PREFLIGHT_RULES_DIR="$tmp/rules" $wrap "$golden" "$g" \
		>"$tmp/out" 2>&1; then
		pass=$((pass + 1))
	else
		echo "FAIL: golden group $name with every rule file parsed"
		tail -n 30 "$tmp/out"
		fail=$((fail + 1))
	fi
done

for format in text json; do
	# shellcheck disable=SC2086
	DTS_PREFLIGHT_RULES_DIR="$src/rules" $wrap "$bin" rules \
		--format "$format" >"$tmp/builtin" 2>&1
	# shellcheck disable=SC2086
	DTS_PREFLIGHT_RULES_DIR="$tmp/rules" $wrap "$bin" rules \
		--format "$format" >"$tmp/parsed" 2>&1
	if cmp -s "$tmp/builtin" "$tmp/parsed"; then
		pass=$((pass + 1))
	else
		echo "FAIL: rules --format $format differs"
		diff "$tmp/builtin" "$tmp/parsed" | head -20
		fail=$((fail + 1))
	fi
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
