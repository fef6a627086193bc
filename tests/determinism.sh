#!/bin/sh
# determinism.sh - the same inputs give byte-identical output in every
# format, whatever the order in which the directory lists its files, the
# locale, the terminal or the run: two copies of one tree are written in
# opposite orders and linted under varied environments through the real
# binary ($DP_BINARY), and every output is compared with the first.
set -u
bin=${DP_BINARY:?run through meson test}
src=${DP_SOURCE_ROOT:?}
wrap=${DP_EXEC_WRAPPER:-}
# valgrind cannot follow a static glibc: under it, the dynamic twin.
[ -n "$wrap" ] && bin=${DP_BINARY_DYNAMIC:-$bin}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
export DTS_PREFLIGHT_TODAY=2026-01-15

# The tree: every case input of some groups, under names that sort
# differently in different locales (case, '-', '_', '.', non-ASCII).
files=$(cd "$src/testdata/cases" && find trust uids role-name hostile shapes \
	-name '*.json' -type f -size -64k | LC_ALL=C sort)
n=0
for f in $files; do
	n=$((n + 1))
	case $((n % 6)) in
	0) name=Role-$n.json ;;
	1) name=role_$n.json ;;
	2) name=role.$n.json ;;
	3) name="r$(printf '\303\251')le-$n.json" ;;
	4) name=ROLE$n.json ;;
	*) name=sub$((n % 3))/r$n.json ;;
	esac
	echo "$f $name"
done >"$tmp/plan"

# build DIR ORDER: writes the tree, files in plan order or reversed.
build() {
	mkdir -p "$1/sub0" "$1/sub1" "$1/sub2"
	if [ "$2" = reverse ]; then sort -r "$tmp/plan"; else cat "$tmp/plan"; fi |
	while read -r from to; do
		cp "$src/testdata/cases/$from" "$1/$to"
	done
}
build "$tmp/a" forward
build "$tmp/b" reverse

# lint DIR OUT ARGS... (environment from the caller)
lint() {
	dir=$1 out=$2
	shift 2
	# shellcheck disable=SC2086 # $wrap is a command line
	(cd "$dir" && $wrap "$bin" --creator-uid 1234567890123456 "$@" . >"$out" 2>&1)
	echo "status $?" >>"$out"
}

# same WHAT FILE: FILE must equal the reference.
same() {
	if cmp -s "$tmp/ref" "$2"; then pass=$((pass + 1)); else
		echo "FAIL: $1: output differs"; diff "$tmp/ref" "$2" | head -20
		fail=$((fail + 1)); fi
}

locales=$(locale -a 2>/dev/null | grep -iE '^(C\.utf-?8|en_US\.utf-?8|zh_CN\.utf-?8|de_DE\.utf-?8|tr_TR\.utf-?8)$')
# Under valgrind (DP_EXEC_WRAPPER) two formats are enough to be slow.
formats="text gcc json sarif github junit diff"
[ -n "$wrap" ] && formats="text json"
for fmt in $formats; do
	for lang in en zh; do
		lint "$tmp/a" "$tmp/ref" -f "$fmt" --lang "$lang"
		grep -q "^status [01]$" "$tmp/ref" || {
			echo "FAIL: $fmt/$lang: $(tail -n 1 "$tmp/ref")"; fail=$((fail + 1)); }
		lint "$tmp/a" "$tmp/again" -f "$fmt" --lang "$lang"
		same "$fmt/$lang: a second run" "$tmp/again"
		lint "$tmp/b" "$tmp/other" -f "$fmt" --lang "$lang"
		same "$fmt/$lang: files created in the opposite order" "$tmp/other"
		for loc in $locales; do
			LC_ALL=$loc LANG=$loc lint "$tmp/b" "$tmp/other" -f "$fmt" --lang "$lang"
			same "$fmt/$lang: LC_ALL=$loc" "$tmp/other"
		done
		TERM=dumb COLUMNS=20 LINES=5 NO_COLOR=1 lint "$tmp/b" "$tmp/other" -f "$fmt" --lang "$lang"
		same "$fmt/$lang: TERM=dumb COLUMNS=20 NO_COLOR=1" "$tmp/other"
		TERM=xterm-256color COLUMNS=300 lint "$tmp/b" "$tmp/other" -f "$fmt" --lang "$lang"
		same "$fmt/$lang: TERM=xterm-256color COLUMNS=300" "$tmp/other"
		TZ=Asia/Shanghai lint "$tmp/b" "$tmp/other" -f "$fmt" --lang "$lang"
		same "$fmt/$lang: TZ=Asia/Shanghai" "$tmp/other"
	done
done
# On a terminal, --color never gives what a pipe gets (when a pseudo
# terminal can be had at all: not in a bare chroot without /dev/pts).
if command -v script >/dev/null 2>&1 && script -qec true /dev/null >/dev/null 2>&1; then
	lint "$tmp/a" "$tmp/ref" -f text --color never
	(cd "$tmp/b" && script -qec "$wrap $bin --creator-uid 1234567890123456 -f text --color never ." /dev/null \
		>"$tmp/tty" 2>&1; echo "status $?" >>"$tmp/tty")
	tr -d '\r' <"$tmp/tty" >"$tmp/other"
	same "text on a terminal with --color never" "$tmp/other"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
