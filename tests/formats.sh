#!/bin/sh
# formats.sh - output formats and --fix through the real binary and real
# tools: `git apply` accepts -f diff, --fix writes exactly that patch and
# a second --fix finds nothing, the pre-commit hooks' entries in a
# scratch git repository, colours only on a terminal and never with
# NO_COLOR, and the bash completion.  A tool that is missing (git, script,
# bash, pre-commit) skips its checks with a note; the C suites cover the
# rest.
set -u
bin=${DP_BINARY:?run through meson test}
src=${DP_SOURCE_ROOT:?}
cases=$src/testdata/cases/formats
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
uid=1522334455667788

ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
# check DESCRIPTION COMMAND...: the command must succeed.
check() {
	what=$1
	shift
	if "$@" >"$tmp/out" 2>"$tmp/err"; then ok; else
		bad "$what"; sed 's/^/  | /' "$tmp/out" "$tmp/err"; fi
}
# status WANT DESCRIPTION COMMAND...: the command exits WANT.
status() {
	want=$1 what=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -eq "$want" ]; then ok; else
		bad "$what: exit $got, expected $want"; sed 's/^/  | /' "$tmp/err"; fi
}
has() { if grep -qF -- "$2" "$tmp/$1"; then ok; else
	bad "$3: '$2' not in std$1"; sed 's/^/  | /' "$tmp/$1"; fi; }
lacks() { if grep -qF -- "$2" "$tmp/$1"; then
	bad "$3: '$2' in std$1"; sed 's/^/  | /' "$tmp/$1"; else ok; fi; }
have() { command -v "$1" >/dev/null 2>&1; }
git_q() { git -c user.name=t -c user.email=t@example.com -c init.defaultBranch=main "$@"; }

# A working copy of every formats case input, as a git repository.
work=$tmp/work
mkdir -p "$work"
cp "$cases/sarif/"*.json "$work/"
mkdir "$work/crlf"
cp "$cases/diff-hunks/job.json" "$work/crlf/job.json"
chmod 600 "$work/role.json"
(cd "$work" && for f in *.json crlf/*.json; do cp "$f" "$f.orig"; done)
files="job.json role.json collapsed.json clean.json crlf/job.json"
# lint ARGS...: runs the command in $work over $files, with only the
# rules these files are about (so that new rules do not change what is
# tested here).
lint() {
	(cd "$work" && "$bin" --disable 'DP*' --enable DP103 --enable DP201 \
		--enable DP301 --enable DP302 "$@" $files)
}

# ---- -f diff is a patch git applies --------------------------------------
if have git; then
	(cd "$work" && git_q init -q && git_q add . && git_q commit -qm base)
	lint -f diff --creator-uid $uid >"$tmp/fix.diff"
	[ -s "$tmp/fix.diff" ] && ok || bad "-f diff printed nothing"
	check "git apply --check accepts -f diff" \
		sh -c "cd '$work' && git apply --check '$tmp/fix.diff'"
	# From a subdirectory too: the paths are relative to where it runs.
	(cd "$work/crlf" && "$bin" -f diff job.json >"$tmp/sub.diff")
	check "git apply in a subdirectory" \
		sh -c "cd '$work/crlf' && git apply --check '$tmp/sub.diff'"
	cp -R "$work" "$tmp/applied"
	check "git apply" sh -c "cd '$tmp/applied' && git apply '$tmp/fix.diff'"
else
	echo "note: git not found, skipping the git apply checks"
fi

# ---- --fix: the same bytes, atomically, once -----------------------------
lint --fix --creator-uid $uid >"$tmp/out" 2>"$tmp/err" && ok || bad "--fix: exit $?"
has err "fixed 3 findings in 'job.json'" "--fix says what it fixed"
has err "fixed 2 findings in 'role.json'" "--fix says what it fixed"
has err "fixed 3 findings in 'crlf/job.json'" "--fix says what it fixed"
has err "fixed 1 finding in 'collapsed.json'" "--fix says what it fixed"
lacks err "clean.json" "--fix leaves a clean file alone"
has out "no findings in 5 files" "--fix reports what is left"
if [ -d "$tmp/applied" ]; then
	for f in $files; do
		if cmp -s "$work/$f" "$tmp/applied/$f"; then ok; else
			bad "--fix and git apply of -f diff differ for $f"
			diff "$work/$f" "$tmp/applied/$f" | head -5
		fi
	done
fi
# Only the offending values changed: every line that differs is a line a
# finding pointed at (the unit suite checks the bytes within the lines).
(cd "$work" && "$bin" -f gcc --disable 'DP*' --enable DP103 --enable DP201 \
	--enable DP301 --enable DP302 --creator-uid $uid job.json.orig role.json.orig \
	collapsed.json.orig clean.json.orig crlf/job.json.orig) |
	sed -n 's/^\([^:]*\)\.orig:\([0-9]*\):.*/\1:\2/p' | sort -u >"$tmp/pointed"
for f in $files; do
	diff --unchanged-line-format= --new-line-format= --old-line-format="$f:%dn
" "$work/$f.orig" "$work/$f" 
done | sort -u >"$tmp/changed"
if [ -s "$tmp/changed" ] && [ -z "$(comm -23 "$tmp/changed" "$tmp/pointed")" ]; then ok; else
	bad "--fix changed lines no finding pointed at: $(comm -23 "$tmp/changed" "$tmp/pointed")"; fi
for f in $files; do
	if [ "$(wc -l <"$work/$f")" = "$(wc -l <"$work/$f.orig")" ]; then ok; else
		bad "--fix changed the number of lines of $f"; fi
done
if [ "$(stat -c %a "$work/role.json")" = 600 ]; then ok; else
	bad "--fix did not keep the mode of role.json"; fi
if [ -z "$(cd "$work" && ls -A | grep -v -e '\.json$' -e '\.orig$' -e '^crlf$' -e '^\.git$')" ]; then
	ok; else bad "--fix left files behind: $(ls -A "$work")"; fi
if grep -q "$(printf '\r')" "$work/crlf/job.json"; then ok; else
	bad "--fix lost the CRLF line ends"; fi
# A second run finds nothing left to fix and writes nothing.
(cd "$work" && for f in $files; do cp "$f" "$f.once"; done)
lint --fix --creator-uid $uid >"$tmp/out" 2>"$tmp/err" && ok || bad "--fix again: exit $?"
lacks err "fixed" "a second --fix"
for f in $files; do
	if cmp -s "$work/$f" "$work/$f.once"; then ok; else
		bad "a second --fix changed $f"; fi
done
lint -f diff --creator-uid $uid >"$tmp/again.diff"
[ -s "$tmp/again.diff" ] && bad "-f diff after --fix is not empty" || ok
# The examples, if there are any: twice, and the second run is a no-op.
if [ -d "$src/examples" ] && ls "$src/examples" | grep -q .; then
	cp -R "$src/examples" "$tmp/examples"
	(cd "$tmp/examples" && "$bin" --fix --fail-on none --creator-uid $uid . >/dev/null 2>&1)
	cp -R "$tmp/examples" "$tmp/examples.once"
	(cd "$tmp/examples" && "$bin" --fix --fail-on none --creator-uid $uid . >/dev/null 2>"$tmp/err")
	lacks err "fixed" "a second --fix on examples/"
	if diff -r "$tmp/examples" "$tmp/examples.once" >/dev/null; then ok; else
		bad "a second --fix on examples/ changed files"; fi
fi
# Standard input is not fixed in place.
status 1 "--fix on stdin" sh -c "'$bin' --fix - < '$cases/sarif/job.json'"
has err "cannot fix standard input in place" "--fix on stdin"
# A directory --fix cannot write to: the file is untouched, exit 2.
if [ "$(id -u)" != 0 ]; then
	mkdir "$tmp/ro" && cp "$cases/sarif/job.json" "$tmp/ro/" && chmod 555 "$tmp/ro"
	status 2 "--fix in a read-only directory" "$bin" --fix "$tmp/ro/job.json"
	has err "cannot write '$tmp/ro/job.json'" "--fix in a read-only directory"
	if cmp -s "$tmp/ro/job.json" "$cases/sarif/job.json"; then ok; else
		bad "a failed --fix changed the file"; fi
	chmod 755 "$tmp/ro"
fi

# ---- the pre-commit hooks' entries in a scratch repository ----------------
hooks=$src/.pre-commit-hooks.yaml
# The entry of hook id $1, as pre-commit would run it.
entry() {
	awk -v id="$1" '$1 == "-" && $2 == "id:" { cur = $3 }
		cur == id && $1 == "entry:" { sub(/^[ \t]*entry:[ \t]*/, ""); print; exit }' "$hooks"
}
e1=$(entry dts-preflight) e2=$(entry dts-preflight-repo)
[ -n "$e1" ] && [ -n "$e2" ] && ok || bad "hooks dts-preflight and dts-preflight-repo in $hooks"
grep -q 'pass_filenames: false' "$hooks" && ok || bad "dts-preflight-repo does not set pass_filenames: false"
if have git; then
	repo=$tmp/repo
	mkdir -p "$repo/infra" "$tmp/path"
	ln -s "$bin" "$tmp/path/dts-preflight"
	(cd "$repo" && git_q init -q)
	cp "$cases/sarif/clean.json" "$repo/infra/role.json"
	printf '{"name": "app", "version": "1.0.0"}\n' >"$repo/package.json"
	(cd "$repo" && git_q add . && git_q commit -qm base)
	# A commit that breaks a task, next to an unrelated JSON file.
	cp "$cases/sarif/job.json" "$repo/infra/job.json"
	printf '{"name": "app", "version": "1.0.1"}\n' >"$repo/package.json"
	(cd "$repo" && git_q add .)
	changed=$(cd "$repo" && git diff --cached --name-only --diff-filter=ACM -- '*.json' | tr '\n' ' ')
	status 1 "hook dts-preflight on a broken commit" \
		sh -c "cd '$repo' && PATH='$tmp/path':\$PATH $e1 $changed"
	has out "infra/job.json:13:25: error" "hook dts-preflight"
	lacks out "package.json" "hook dts-preflight reports unrelated JSON"
	status 1 "hook dts-preflight-repo" sh -c "cd '$repo' && PATH='$tmp/path':\$PATH $e2"
	has out "infra/job.json" "hook dts-preflight-repo"
	# Fixed, the commit passes.
	(cd "$repo" && PATH="$tmp/path:$PATH" dts-preflight --fix -q infra >/dev/null 2>&1)
	cp "$cases/sarif/clean.json" "$repo/infra/job.json"
	status 0 "hook dts-preflight on a good commit" \
		sh -c "cd '$repo' && PATH='$tmp/path':\$PATH $e1 infra/job.json package.json"
	if have pre-commit; then
		# The real thing, against this source tree as the hook repo.
		hookrepo=$tmp/hookrepo
		mkdir "$hookrepo" && cp "$hooks" "$hookrepo/"
		(cd "$hookrepo" && git_q init -q && git_q add . && git_q commit -qm hooks)
		cp "$cases/sarif/job.json" "$repo/infra/job.json" && (cd "$repo" && git_q add .)
		status 1 "pre-commit try-repo" sh -c "cd '$repo' && PATH='$tmp/path':\$PATH \
			PRE_COMMIT_HOME='$tmp/pc' pre-commit try-repo '$hookrepo' dts-preflight"
		has out "infra/job.json:13:25: error" "pre-commit try-repo"
	else
		echo "note: pre-commit not found, ran the hook entries by hand"
	fi
else
	echo "note: git not found, skipping the pre-commit hook checks"
fi

# ---- colour: only on a terminal, never with NO_COLOR ---------------------
esc=$(printf '\033[')
broken=$cases/sarif/job.json
"$bin" --color auto "$broken" >"$tmp/out" 2>&1
lacks out "$esc" "--color auto on a pipe"
"$bin" --color always "$broken" >"$tmp/out" 2>&1
has out "$esc" "--color always on a pipe"
NO_COLOR=1 "$bin" --color always "$broken" >"$tmp/out" 2>&1
has out "$esc" "--color always beats NO_COLOR"
"$bin" -f gcc --color always "$broken" >"$tmp/out" 2>&1
lacks out "$esc" "only the text format has colours"
if have script && script -qec true /dev/null >/dev/null 2>&1; then
	TERM=xterm script -qec "'$bin' '$broken'" /dev/null >"$tmp/out" 2>&1
	has out "$esc" "--color auto on a terminal"
	TERM=xterm NO_COLOR=1 script -qec "'$bin' '$broken'" /dev/null >"$tmp/out" 2>&1
	lacks out "$esc" "NO_COLOR on a terminal"
	TERM=xterm NO_COLOR= script -qec "'$bin' '$broken'" /dev/null >"$tmp/out" 2>&1
	has out "$esc" "an empty NO_COLOR does not count"
	TERM=dumb script -qec "'$bin' '$broken'" /dev/null >"$tmp/out" 2>&1
	lacks out "$esc" "TERM=dumb on a terminal"
else
	echo "note: script(1) not usable, skipping the terminal checks"
fi

# ---- bash completion -----------------------------------------------------
completion=$src/contrib/bash-completion/dts-preflight
if have bash; then
	mkdir -p "$tmp/path" && ln -sf "$bin" "$tmp/path/dts-preflight"
	cat >"$tmp/complete.bash" <<-'EOF'
	source "$1"
	c() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
	      _dts_preflight; printf '%s\n' "${COMPREPLY[@]}"; }
	case $2 in
	formats) c dts-preflight -f "" ;;
	format=) c dts-preflight --format=sa ;;
	options) c dts-preflight -- ;;
	rules) c dts-preflight --disable DP30 ;;
	slugs) c dts-preflight --enable role-arn ;;
	severity) c dts-preflight --severity DP201 ;;
	levels) c dts-preflight --fail-on "" ;;
	commands) c dts-preflight "" ;;
	esac
	EOF
	comp() { PATH="$tmp/path:$PATH" bash "$tmp/complete.bash" "$completion" "$1" >"$tmp/out" 2>"$tmp/err"; }
	comp formats
	for f in $("$bin" -f nope x.json 2>&1 | sed -n 's/.*(known: \(.*\)).*/\1/p' | tr -d ,); do
		has out "$f" "completion of -f offers every format"
	done
	comp format= && has out "sarif" "completion of --format="
	comp options
	for o in $("$bin" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		if grep -qx -- "$o" "$tmp/out"; then ok; else bad "completion lacks option $o"; fi
	done
	comp rules && has out "DP301" "completion of rule IDs" && has out "DP302" "completion of rule IDs"
	comp slugs && has out "role-arn-as-name" "completion of rule slugs"
	comp severity && has out "DP201=" "completion of --severity"
	comp levels && has out "warning" "completion of --fail-on"
	comp commands && has out "check" "completion of subcommands" && has out "rules" "completion of subcommands"
	[ -f "$src/contrib/meson.build" ] && grep -q "bash-completion" "$src/contrib/meson.build" && ok ||
		bad "meson does not install the bash completion"
else
	echo "note: bash not found, skipping the completion checks"
fi

echo "formats.sh: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
