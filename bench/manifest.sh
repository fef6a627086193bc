#!/bin/sh
# manifest.sh - the benchmark's corpus says what it claims: over a
# generated corpus of small exports, every file broken on purpose gets
# the rule MANIFEST.tsv names for it, and no other file gets a finding.
# A benchmark over a corpus whose clean files had findings would measure
# the report, not the checks (and would hide a rule that fires wrongly).
#
# Environment: DP_BINARY, DP_GEN_CORPUS (set by bench/meson.build).
set -u

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

n=${DP_MANIFEST_FILES:-1000}
"$DP_GEN_CORPUS" small "$tmp/c" "$n" 7 2>/dev/null || {
	echo "FAIL: dp-gen-corpus small failed"; exit 1; }
"$DP_BINARY" --format gcc --max-findings 100000 "$tmp/c" >"$tmp/out" 2>"$tmp/err"
status=$?
if [ "$status" -gt 1 ]; then
	echo "FAIL: dts-preflight exited $status"; cat "$tmp/err"; exit 1
fi

# "dir/file.json:L:C: severity: message [DP123 slug]" -> "file<TAB>DP123"
sed -n 's|^'"$tmp"'/c/\([^:]*\):[0-9]*:[0-9]*: .*\[\(DP[0-9]*\) [^]]*\]$|\1	\2|p' \
	"$tmp/out" | sort -u >"$tmp/found"
awk -F'\t' 'NR > 1 && $3 != "none" { print $1 "\t" $4 }' \
	"$tmp/c/MANIFEST.tsv" | sort -u >"$tmp/expected"
awk -F'\t' 'NR > 1 && $3 == "none" { print $1 }' "$tmp/c/MANIFEST.tsv" |
	sort -u >"$tmp/clean"

fail=0
broken=$(wc -l <"$tmp/expected")
# Every broken file has its rule.
missed=$(comm -23 "$tmp/expected" "$tmp/found")
if [ -n "$missed" ]; then
	echo "FAIL: broken files without the rule the manifest names:"
	echo "$missed" | head -20
	fail=1
fi
# No clean file has any finding.
cut -f1 "$tmp/found" | sort -u >"$tmp/files_found"
wrong=$(comm -12 "$tmp/clean" "$tmp/files_found")
if [ -n "$wrong" ]; then
	echo "FAIL: clean files with findings:"
	for f in $(echo "$wrong" | head -10); do grep "/$f:" "$tmp/out"; done
	fail=1
fi
if [ "$broken" -lt $((n / 25)) ]; then
	echo "FAIL: only $broken broken files in $n: the generator changed?"
	fail=1
fi
[ "$fail" -eq 0 ] &&
	echo "ok: $n files, $broken broken, each with its rule; no clean file has a finding"
exit "$fail"
