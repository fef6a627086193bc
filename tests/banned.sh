#!/bin/sh
# banned.sh ROOT - fails when src/, tests/, fuzz/ or bench/ call a function
# that CODING_STYLE.md bans (unbounded or unchecked: sprintf, strcpy,
# strcat, strtok, atoi, gets).
root=${1:-.}
hits=$(grep -nE '(^|[^A-Za-z0-9_])(sprintf|vsprintf|strcpy|strcat|strtok|atoi|gets)[[:space:]]*\(' \
	$(find "$root/src" "$root/tests" "$root/fuzz" "$root/bench" -name '*.[ch]' 2>/dev/null))
if [ -n "$hits" ]; then
	printf 'banned functions (see CODING_STYLE.md):\n%s\n' "$hits"
	exit 1
fi
echo "banned-functions: none in $(find "$root/src" "$root/tests" "$root/fuzz" "$root/bench" -name '*.[ch]' 2>/dev/null | wc -l) files"
