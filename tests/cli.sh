#!/bin/sh
# cli.sh - end-to-end checks through the real binary ($DP_BINARY): exit
# statuses, standard input, unreadable paths, write errors.  Each check
# runs the program as a user would and never accepts a crash (a signal).
set -u
bin=${DP_BINARY:?run through meson test}
src=${DP_SOURCE_ROOT:?}
tmp=$(mktemp -d)
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
pass=0 fail=0

# expect STATUS DESCRIPTION -- COMMAND...: runs COMMAND, checks its status.
expect() {
	want=$1 what=$2
	shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -gt 128 ]; then
		echo "FAIL: $what: killed by signal $((got - 128))"; fail=$((fail + 1))
	elif [ "$got" -ne "$want" ]; then
		echo "FAIL: $what: exit $got, expected $want"; sed 's/^/  | /' "$tmp/err"
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
}

# has FILE TEXT DESCRIPTION: FILE (out or err) holds TEXT.
has() {
	if grep -qF -- "$2" "$tmp/$1"; then pass=$((pass + 1)); else
		echo "FAIL: $3: '$2' not in std$1:"; sed 's/^/  | /' "$tmp/$1"
		fail=$((fail + 1)); fi
}

good=$src/testdata/cases/trust/DP302-pass/role.json
bad=$src/testdata/cases/trust/DP302-fail/role.json

expect 0 "a correct role" -- "$bin" "$good"
expect 1 "a broken role" -- "$bin" "$bad"
expect 1 "check subcommand" -- "$bin" check "$bad"
expect 0 "--fail-on none" -- "$bin" --fail-on none "$bad"
# A role whose only mistake is the collapsed Service principal (in $bad
# the RAM principal names the role's own account too: DP309).
only302=$src/testdata/cases/trust/DP302-fail-creator-in-ram/role.json
expect 0 "--disable the rule" -- "$bin" --disable DP302 "$only302"
expect 0 "--disable by slug" -- "$bin" --disable service-principal-collapsed "$only302"
expect 0 "--disable by glob" -- "$bin" --disable 'DP3*' "$bad"
expect 2 "--disable of no rule" -- "$bin" --disable DP999 "$bad"
has err "no rule matches 'DP999'" "--disable of no rule"
expect 0 "--severity down to info" -- "$bin" --severity DP302=info "$bad"
expect 1 "--severity info with --fail-on info" -- "$bin" --severity DP302=info --fail-on info "$bad"
expect 2 "no paths" -- "$bin"
has err "no input files" "no paths"
expect 2 "unknown option" -- "$bin" --frobnicate "$good"
has err "unknown option '--frobnicate'" "unknown option"
expect 2 "unknown format" -- "$bin" -f yaml "$good"
expect 0 "--help" -- "$bin" --help
has out "usage: dts-preflight" "--help"
expect 0 "--version" -- "$bin" --version
has out "dts-preflight " "--version"
expect 0 "rules" -- "$bin" rules
has out "DP302" "rules"
expect 0 "rules --format json" -- "$bin" rules --format json

# Standard input, also empty.
expect 1 "stdin" -- sh -c "\"$bin\" - < \"$bad\""
has out "<stdin>:" "stdin"
expect 1 "empty stdin is DP001" -- sh -c "\"$bin\" - < /dev/null"
has out "DP001" "empty stdin"

# Unreadable paths: exit 2, a message naming the path, the rest still linted.
expect 2 "missing file" -- "$bin" "$tmp/nope.json" "$bad"
has err "cannot open '$tmp/nope.json': No such file or directory" "missing file"
has out "DP302" "missing file: the other file is still linted"
mkdir -p "$tmp/loop/a" && ln -s .. "$tmp/loop/a/up"
cp "$good" "$tmp/loop/role.json"
expect 2 "symlink loop" -- "$bin" "$tmp/loop"
has err "symbolic link loop" "symlink loop"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	# The unprivileged user must reach the binary, the rules and the good
	# file (a clone under /root is not readable to it): use copies.
	cp "$bad" "$tmp/secret.json" && chmod 000 "$tmp/secret.json" && chmod 755 "$tmp"
	mkdir "$tmp/as-nobody" && cp -r "$bin" "$good" "${DTS_PREFLIGHT_RULES_DIR:?}" \
		"$tmp/as-nobody/" && chmod -R a+rX "$tmp/as-nobody"
	expect 2 "permission denied" -- env \
		DTS_PREFLIGHT_RULES_DIR="$tmp/as-nobody/$(basename "$DTS_PREFLIGHT_RULES_DIR")" \
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$tmp/as-nobody/$(basename "$bin")" "$tmp/secret.json" \
		"$tmp/as-nobody/$(basename "$good")"
	has err "cannot open '$tmp/secret.json': Permission denied" "permission denied"
	has out "no findings in 1 file" "permission denied: the readable file is still linted"
elif [ "$(id -u)" != 0 ]; then
	cp "$bad" "$tmp/secret.json" && chmod 000 "$tmp/secret.json"
	expect 2 "permission denied" -- "$bin" "$tmp/secret.json" "$good"
	has err "Permission denied" "permission denied"
fi

# A full disk must not give exit 0.
if [ -w /dev/full ]; then
	expect 2 "write error" -- sh -c "\"$bin\" \"$bad\" > /dev/full"
	has err "cannot write the report" "write error"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
