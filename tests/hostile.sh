#!/bin/sh
# hostile.sh - hostile inputs through the real binary ($DP_BINARY), one
# check per class of issue #6 that needs a file system or a process:
# huge files and streams, FIFOs, devices, loops, permissions, paths that
# vanish and files that change while read, catastrophic rule patterns.
# Every run has a time limit (a hang is a failure), must end with status
# 0, 1 or 2 and never by a signal, and must say what was wrong.
# $DP_EXEC_WRAPPER (the valgrind setup sets it) runs before the binary.
set -u
bin=${DP_BINARY:?run through meson test}
src=${DP_SOURCE_ROOT:?}
wrap=${DP_EXEC_WRAPPER:-}
# valgrind cannot follow a static glibc: under it, the dynamic twin.
[ -n "$wrap" ] && bin=${DP_BINARY_DYNAMIC:-$bin}
limit=${DP_HOSTILE_TIMEOUT:-60}
tmp=$(mktemp -d)
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
pass=0 fail=0
# Races are tried this many times (fewer under valgrind: each run is slow).
tries=15
[ -n "$wrap" ] && tries=4

good=$src/testdata/cases/trust/DP302-pass/role.json
bad=$src/testdata/cases/trust/DP302-fail/role.json

# run DESCRIPTION ARGS...: runs the binary with a time limit; the status
# lands in $got, the output in $tmp/out and $tmp/err.
run() {
	what=$1
	shift
	# shellcheck disable=SC2086 # $wrap is a command line
	timeout -k 5 "$limit" $wrap "$bin" "$@" >"$tmp/out" 2>"$tmp/err" <"${stdin:-/dev/null}"
	got=$?
	if [ "$got" -eq 124 ] || [ "$got" -eq 137 ]; then
		echo "FAIL: $what: did not finish within ${limit}s"
		fail=$((fail + 1))
		return 1
	fi
	if [ "$got" -gt 128 ]; then
		echo "FAIL: $what: killed by signal $((got - 128))"
		sed 's/^/  | /' "$tmp/err" | head -20
		fail=$((fail + 1))
		return 1
	fi
	if [ "$got" -gt 2 ]; then
		echo "FAIL: $what: exit status $got (only 0, 1, 2 exist)"
		sed 's/^/  | /' "$tmp/err" | head -40
		fail=$((fail + 1))
		return 1
	fi
	return 0
}

# expect STATUS DESCRIPTION ARGS...
expect() {
	want=$1 what=$2
	shift 2
	run "$what" "$@" || return 0
	if [ "$got" -ne "$want" ]; then
		echo "FAIL: $what: exit $got, expected $want"
		sed 's/^/  | /' "$tmp/err" | head -20
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
}

# has out|err TEXT DESCRIPTION
has() {
	if grep -qF -- "$2" "$tmp/$1"; then pass=$((pass + 1)); else
		echo "FAIL: $3: '$2' not in std$1:"; head -c 2000 "$tmp/$1" | sed 's/^/  | /'
		fail=$((fail + 1)); fi
}

# lacks out|err TEXT DESCRIPTION
lacks() {
	if grep -qF -- "$2" "$tmp/$1"; then
		echo "FAIL: $3: '$2' in std$1"; fail=$((fail + 1))
	else pass=$((pass + 1)); fi
}

# ---- empty inputs ----------------------------------------------------
: >"$tmp/empty.json"
expect 1 "empty file" -f gcc "$tmp/empty.json" "$good"
has out "empty.json:1:1: error: not valid JSON: file is empty [DP001" "empty file"
stdin=/dev/null expect 1 "empty stdin" -f gcc -
has out "<stdin>:1:1: error: not valid JSON: file is empty" "empty stdin"
printf '\357\273\277' >"$tmp/bom.json"
expect 1 "lone BOM" -f gcc "$tmp/bom.json"
has out "file is empty" "lone BOM"

# ---- size: a 200 MB file, a 200 MB stream, an endless device ---------
# Sparse: costs no disk.  Refused from its size, before any read.
truncate -s 200M "$tmp/huge.json"
expect 2 "200 MB file" "$tmp/huge.json" "$bad"
has err "cannot read '$tmp/huge.json': file is larger than the" "200 MB file"
has err "64 MiB" "200 MB file: the limit is named"
has out "DP302" "200 MB file: the other file is still linted"
expect 2 "--max-file-size below the file" --max-file-size 100 "$good"
has err "larger than the 100-byte limit" "--max-file-size 100"
expect 0 "--max-file-size above the file" --max-file-size 1M "$good"
expect 2 "--max-file-size past the ceiling" --max-file-size 3G "$good"
has err "--max-file-size" "--max-file-size past the ceiling"
# A stream has no size: reading stops at the limit.
head -c 100000000 /dev/zero >"$tmp/zeros" 2>/dev/null
stdin=$tmp/zeros expect 2 "100 MB on stdin" -
has err "file is larger than the" "100 MB on stdin"
if [ -c /dev/zero ]; then
	expect 2 "an endless device named on the command line" /dev/zero
	has err "file is larger than the" "/dev/zero"
fi

# ---- 1 MB string, 1,000,000-deep nesting -----------------------------
mb=$(head -c 1000000 /dev/zero | tr '\000' r)
printf '{"DtsJobName": "x", "SourceEndpointInstanceType": "RDS", "SourceEndpointOwnerID": "%s",\n "SourceEndpointRole": "acs:ram::1234567890123456:role/%s"}\n' \
	"$mb" "$mb" >"$tmp/long.json"
unset mb
# Findings (1), or findings and a rule whose pattern gave up on a value
# this long (2: DP201's lazy '(.+?)\s*$' does today) - said, not hidden.
if run "1 MB strings" -f gcc "$tmp/long.json"; then
	if [ "$got" -eq 2 ]; then
		has err "pattern hit its match limit" "1 MB strings: a rule that gave up says so"
	elif [ "$got" -ne 1 ]; then
		echo "FAIL: 1 MB strings: exit $got, expected 1 or 2"; fail=$((fail + 1))
	fi
	has out "long.json:1:83: error: " "1 MB strings: the owner ID is reported at its place"
fi
out_size=$(wc -c <"$tmp/out")
# Known issue: {value} in messages is not cut short, so each finding
# echoes the whole megabyte.  Reported; not yet a failure.
[ "$out_size" -gt 20000 ] &&
	echo "NOTE: 1 MB strings: $out_size bytes of output (values are not cut short yet)"
awk 'BEGIN { for (i = 0; i < 1000000; i++) printf "["; for (i = 0; i < 1000000; i++) printf "]" }' \
	>"$tmp/deep.json"
expect 1 "1,000,000-deep nesting" -f gcc "$tmp/deep.json"
has out "deep.json:1:513: error: not valid JSON: nesting deeper than 512 levels" "deep nesting"
expect 1 "--max-depth" -f gcc --max-depth 3 "$good"
has out "nesting deeper than 3 levels" "--max-depth 3"

# ---- findings per file ------------------------------------------------
job='{"DtsJobName": "x", "SourceEndpointInstanceType": "RDS", "SourceEndpointRole": "acs:ram::1234567890123456:role/r"}'
printf '%s\n' "$job" >"$tmp/jobs.json"
expect 1 "--max-findings 1" -f text --max-findings 1 "$tmp/jobs.json"
has out "findings not shown in this file: 1 more (--max-findings 1)" "--max-findings 1"
has out "1 error in 1 file" "--max-findings 1: one shown"
expect 1 "--max-findings 0 shows all" --max-findings 0 -q "$tmp/jobs.json"
lacks out "not shown" "--max-findings 0"
expect 2 "--max-findings not a number" --max-findings lots "$tmp/jobs.json"
has err "--max-findings takes a number" "--max-findings lots"

# ---- non-JSON ----------------------------------------------------------
printf 'Role:\n  RoleName: ram-for-dts\n' >"$tmp/role.yaml.json"
expect 1 "YAML" -f gcc "$tmp/role.yaml.json"
has out "role.yaml.json:1:1: error: not valid JSON: unexpected character 'R'" "YAML"
head -c 4096 "$bin" >"$tmp/elf.json"
expect 1 "a binary" -f gcc "$tmp/elf.json"
has out "elf.json:1:" "a binary"

# ---- directories: loops, depth, FIFOs, devices, dangling links -------
mkdir -p "$tmp/loop/a" && ln -s .. "$tmp/loop/a/up" && cp "$bad" "$tmp/loop/role.json"
expect 2 "directory symlink loop" "$tmp/loop"
has err "symbolic link loop" "directory symlink loop"
has out "DP302" "directory symlink loop: the file is still linted"
d=$tmp/deepdir
for i in $(seq 1 70); do d=$d/d; done
mkdir -p "$d" && cp "$bad" "$d/role.json" && cp "$bad" "$tmp/deepdir/role.json"
expect 2 "directories nested 70 deep" "$tmp/deepdir"
has err "nested too deep" "directories nested 70 deep"
has out "deepdir/role.json" "directories nested 70 deep: the top file is linted"
# A walked file is read with one read() of up to 64 KiB and no fstat
# (input.c, read_found()): the sizes around that chunk, and one far past
# it, are read whole; one past --max-file-size is still refused.
mkdir "$tmp/sizes"
for n in 65535 65536 65537 200000; do
	# The JSON last: a file cut at 64 KiB would lose it.
	pad=$((n - $(wc -c <"$bad")))
	{ head -c "$pad" /dev/zero | tr '\0' ' '; cat "$bad"; } >"$tmp/sizes/$n.json"
done
expect 1 "walked files around the 64 KiB read" -f gcc "$tmp/sizes"
for n in 65535 65536 65537 200000; do
	has out "$n.json:" "a walked file of $n bytes"
done
[ "$(grep -c DP302 "$tmp/out")" -eq 4 ] && pass=$((pass + 1)) ||
	{ echo "FAIL: walked files around 64 KiB: not four DP302"; fail=$((fail + 1)); }
expect 2 "a walked file past --max-file-size" --max-file-size 65536 "$tmp/sizes"
has err "200000.json': file is larger than the 64 KiB limit" "--max-file-size in a walk"
has err "65537.json': file is larger than the 64 KiB limit" "--max-file-size in a walk, one byte over"
has out "65536.json" "--max-file-size in a walk: a file at the limit is read"
mkdir "$tmp/fifo" && mkfifo "$tmp/fifo/x.json" && cp "$bad" "$tmp/fifo/role.json"
expect 2 "a FIFO found by the walk" "$tmp/fifo"
has err "cannot read '$tmp/fifo/x.json': not a regular file" "FIFO in a walk"
has out "DP302" "FIFO in a walk: the other file is linted"
mkfifo "$tmp/pipe.json"
(cat "$bad" >"$tmp/pipe.json" &)
expect 1 "a FIFO named on the command line, with a writer" -f gcc "$tmp/pipe.json"
has out "DP302" "a named FIFO is read"
mkdir "$tmp/dangling" && ln -s "$tmp/nowhere.json" "$tmp/dangling/gone.json" &&
	cp "$bad" "$tmp/dangling/role.json"
expect 2 "a path that vanished (dangling link)" "$tmp/dangling"
has err "cannot open '$tmp/dangling/gone.json': No such file or directory" "dangling link"
has out "DP302" "dangling link: the other file is linted"
long=$(printf '%0200d' 0 | tr 0 n)
d=$tmp/longpath
for i in $(seq 1 25); do d=$d/$long; done
if mkdir -p "$d" 2>/dev/null; then
	cp "$bad" "$tmp/longpath/role.json"
	run "paths longer than PATH_MAX" "$tmp/longpath" && { [ "$got" -le 2 ] && pass=$((pass + 1)); }
	has out "DP302" "paths longer than PATH_MAX: the top file is linted"
fi

# ---- permissions -------------------------------------------------------
cp "$bad" "$tmp/secret.json" && chmod 000 "$tmp/secret.json"
if [ "$(id -u)" = 0 ]; then
	if command -v setpriv >/dev/null; then
		# The unprivileged user must reach the binary, the rules and the
		# good file (a clone under /root is not readable to it): copies.
		chmod 755 "$tmp" && mkdir "$tmp/as-nobody" && cp -r "$bin" "$good" \
			"${DTS_PREFLIGHT_RULES_DIR:?}" "$tmp/as-nobody/" &&
			chmod -R a+rX "$tmp/as-nobody"
		saved_bin=$bin saved_rules=$DTS_PREFLIGHT_RULES_DIR
		bin=$tmp/as-nobody/$(basename "$saved_bin")
		DTS_PREFLIGHT_RULES_DIR=$tmp/as-nobody/$(basename "$saved_rules")
		wrap="setpriv --reuid=65534 --regid=65534 --clear-groups ${DP_EXEC_WRAPPER:-}"
		expect 2 "a file unreadable for permissions" "$tmp/secret.json" \
			"$tmp/as-nobody/$(basename "$good")"
		has err "cannot open '$tmp/secret.json': Permission denied" "permission denied"
		bin=$saved_bin DTS_PREFLIGHT_RULES_DIR=$saved_rules
		wrap=${DP_EXEC_WRAPPER:-}
	fi
else
	expect 2 "a file unreadable for permissions" "$tmp/secret.json" "$good"
	has err "cannot open '$tmp/secret.json': Permission denied" "permission denied"
fi

# ---- races: paths that vanish, files that change while read -------------
mkdir "$tmp/churn"
cp "$bad" "$tmp/churn/stable.json"
(
	i=0
	while [ ! -e "$tmp/stop" ] && [ $i -lt 100000 ]; do
		cp "$bad" "$tmp/churn/f$((i % 7)).json" 2>/dev/null
		mkdir -p "$tmp/churn/d$((i % 5))" 2>/dev/null
		cp "$good" "$tmp/churn/d$((i % 5))/g.json" 2>/dev/null
		rm -rf "$tmp/churn/f$(((i + 3) % 7)).json" "$tmp/churn/d$(((i + 2) % 5))"
		i=$((i + 1))
	done
) &
churn=$!
bad_status=0
for i in $(seq 1 "$tries"); do
	run "a directory changing during the walk (run $i)" "$tmp/churn" || { bad_status=1; break; }
	grep -q "stable.json" "$tmp/out" || { echo "FAIL: churn run $i: stable.json not linted"; bad_status=1; break; }
	# Whatever vanished is named, with the reason.
	if [ "$got" -eq 2 ] && ! grep -q "^dts-preflight: cannot" "$tmp/err"; then
		echo "FAIL: churn run $i: exit 2 without a message"; bad_status=1; break
	fi
done
[ $bad_status -eq 0 ] && pass=$((pass + 1))
# A file rewritten while read: either the old or the new bytes, a cut
# file (DP001 with its position) or a finding - never a crash.
awk 'BEGIN { printf "{\"Role\": {\"RoleName\": \"ram-for-dts\", \"Pad\": ["; for (i = 0; i < 200000; i++) printf "%d,", i; printf "0]}}\n" }' \
	>"$tmp/big-role.json"
cp "$tmp/big-role.json" "$tmp/churn/changing.json"
(
	i=0
	while [ ! -e "$tmp/stop" ] && [ $i -lt 100000 ]; do
		: >"$tmp/churn/changing.json"
		cat "$tmp/big-role.json" >"$tmp/churn/changing.json"
		head -c 1000 "$tmp/big-role.json" >>"$tmp/churn/changing.json"
		i=$((i + 1))
	done
) &
writer=$!
bad_status=0
for i in $(seq 1 "$tries"); do
	run "a file that changes while read (run $i)" -f gcc "$tmp/churn/changing.json" || { bad_status=1; break; }
	if [ "$got" -eq 1 ] && ! grep -q "^$tmp/churn/changing.json:[0-9]*:[0-9]*: " "$tmp/out"; then
		echo "FAIL: changing file run $i: a finding without a position"; bad_status=1; break
	fi
done
[ $bad_status -eq 0 ] && pass=$((pass + 1))
touch "$tmp/stop"
wait "$churn" "$writer" 2>/dev/null

# ---- rule files are input too: catastrophic backtracking ---------------
mkdir "$tmp/rules"
cat >"$tmp/rules/evil.json" <<'EOF'
{"rules": [{"id": "DP901", "slug": "evil", "severity": "error",
  "summary": "catastrophic backtracking", "message": "{value}",
  "select": "role.name",
  "check": {"type": "match", "pattern": "^(a+)+$"}}]}
EOF
printf '{"Role": {"RoleName": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", "Arn": "acs:ram::1234567890123456:role/x"}}\n' \
	>"$tmp/evil-role.json"
expect 2 "a catastrophic pattern in --rules-dir" --rules-dir "$tmp/rules" "$tmp/evil-role.json" "$bad"
has err "DP901" "catastrophic pattern: the rule is named"
has err "match limit" "catastrophic pattern: the limit is named"
has err "evil-role.json" "catastrophic pattern: the value's file is named"
has out "DP302" "catastrophic pattern: the other rules still ran"
# The same value as the last element of a 1.2 MB bundle, which is checked
# one element at a time with pointers relative to the element: the
# message still names the element's index.
{
	printf '['
	i=0
	while [ $i -lt 50000 ]; do printf '{"Something": "else"},\n'; i=$((i + 1)); done
	printf '{"Role": {"RoleName": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", "Arn": "acs:ram::1234567890123456:role/x"}}]\n'
} >"$tmp/evil-bundle.json"
expect 2 "a catastrophic pattern on a streamed bundle" --rules-dir "$tmp/rules" "$tmp/evil-bundle.json"
has err "evil-bundle.json/50000/Role/RoleName" "catastrophic pattern, streamed: the element's pointer"
printf '{"rules": [{"id": "DP902", "slug": "x", "severity": "error",\n  "summary": "s", "message": "m", "select": "role.name",\n  "check": {"type": "match", "pattern": "(unclosed"}}]}\n' \
	>"$tmp/rules/evil.json"
expect 2 "an invalid pattern in --rules-dir" --rules-dir "$tmp/rules" "$good"
has err "evil.json:3:42: invalid pattern: missing closing parenthesis" "invalid pattern: file:line:col"
lacks out "DP902" "invalid pattern: nothing applied"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
