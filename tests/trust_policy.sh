#!/bin/sh
# trust_policy.sh - what `dts-preflight trust-policy` prints is a policy
# the linter accepts without a single finding: for plain and --vpc roles,
# in both languages, with the printed UID as the task creator.  The policy
# goes to stdout only; the advice goes to stderr and names the policies.
set -u
bin=${DP_BINARY:?run through meson test}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
uid=1522334455667788
fail=0

for variant in "" "--vpc" "--lang zh" "--vpc --lang zh"; do
	# shellcheck disable=SC2086 # variant is a list of words
	if ! "$bin" trust-policy --trust "$uid" $variant >"$tmp/policy.json" \
	    2>"$tmp/advice"; then
		echo "FAIL: trust-policy $variant exited non-zero"; fail=1
		continue
	fi
	grep -q AliyunDTSRolePolicy "$tmp/advice" ||
		{ echo "FAIL: trust-policy $variant: advice names no policy"; fail=1; }
	case $variant in
	*--vpc*) grep -q AliyunVPCReadOnlyAccess "$tmp/advice" ||
		{ echo "FAIL: trust-policy $variant: no AliyunVPCReadOnlyAccess"; fail=1; } ;;
	esac
	"$bin" check --creator-uid "$uid" --fail-on info -f json \
		"$tmp/policy.json" >"$tmp/report.json" 2>"$tmp/err"
	status=$?
	if [ "$status" -ne 0 ] || ! grep -q '"findings": \[\]' "$tmp/report.json"; then
		echo "FAIL: the policy of trust-policy $variant does not lint clean (exit $status):"
		sed 's/^/  | /' "$tmp/report.json" "$tmp/err"
		fail=1
	fi
done
# Read through stdin too, as a pipe would.
"$bin" trust-policy --trust "$uid" 2>/dev/null |
	"$bin" --creator-uid "$uid" --fail-on info -q - >"$tmp/out" 2>&1 ||
	{ echo "FAIL: the policy does not lint clean through a pipe"; cat "$tmp/out"; fail=1; }
[ "$fail" -eq 0 ] && echo "ok: trust-policy output lints clean"
exit "$fail"
