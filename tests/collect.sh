#!/bin/sh
# collect.sh - contrib/dts-preflight-collect against a stub `aliyun` on
# PATH: what it calls (reads only), what it writes, and that
# dts-preflight lints the folder it writes with no flags.
set -u
bin=${DP_BINARY:?run through meson test}
src=${DP_SOURCE_ROOT:?}
collect=$src/contrib/dts-preflight-collect
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

# The stub answers as the accounts of scenario 1 of seed 001 would:
# profile "creator" is account 6543210987654321 (the task creator),
# profile "src" owns the source database and role ram-for-dts.  It logs
# every call, and STUB_BROKEN makes the role's trust policy collapsed.
mkdir "$tmp/bin"
cat >"$tmp/bin/aliyun" <<'STUB'
#!/bin/sh
echo "$*" >>"$STUB_LOG"
profile=
while [ $# -gt 0 ]; do
	case $1 in
	--profile) profile=$2; shift 2 ;;
	--region) shift 2 ;;
	*) break ;;
	esac
done
call="$1 $2"
shift 2
case "$profile/$call" in
creator/"sts GetCallerIdentity")
	printf '{\n\t"AccountId": "6543210987654321",\n\t"Arn": "acs:ram::6543210987654321:user/dts-admin",\n\t"IdentityType": "RAMUser",\n\t"PrincipalId": "276287654321098",\n\t"RequestId": "0A1B2C3D-0000-0000-0000-000000000001",\n\t"UserId": "276287654321098"\n}\n' ;;
creator/"dts DescribeDtsJobDetail")
	[ "$2" = "i03e3zty16iab12" ] || { echo "ERROR: InvalidJobId" >&2; exit 1; }
	printf '{"RequestId":"29207299-7C41-493A-BA4F-2FAC5DE40001","Success":true,"DtsJobId":"i03e3zty16iab12","DtsJobName":"orders-sync","JobType":"sync","SynchronizationDirection":"Forward","SourceEndpoint":{"AliyunUid":"%s","RoleName":"%s","InstanceType":"RDS","EngineName":"MySQL","InstanceID":"rm-bp1src0000000001","Region":"cn-hangzhou"},"DestinationEndpoint":{"AliyunUid":"","RoleName":"","InstanceType":"RDS","EngineName":"MySQL","InstanceID":"rm-bp1dst0000000001","Region":"cn-hangzhou"}}\n' \
		"${STUB_UID:-1234567890123456}" "${STUB_ROLE:-ram-for-dts}" ;;
src/"ram ListRoles")
	printf '{"RequestId":"R1","IsTruncated":false,"Roles":{"Role":[{"RoleName":"ram-for-dts","Arn":"acs:ram::1234567890123456:role/ram-for-dts","RoleId":"301234567890123"},{"RoleName":"AliyunDTSDefaultRole","Arn":"acs:ram::1234567890123456:role/AliyunDTSDefaultRole","RoleId":"301234567890124"}]}}\n' ;;
src/"ram GetRole")
	[ "$2" = "ram-for-dts" ] || { echo "ERROR: EntityNotExist.Role : The role not exists: acs:ram::1234567890123456:role/$2" >&2; exit 1; }
	svc='6543210987654321@dts.aliyuncs.com'
	[ -z "${STUB_BROKEN:-}" ] || svc='dts.aliyuncs.com'
	printf '{\n\t"RequestId": "R2",\n\t"Role": {\n\t\t"Arn": "acs:ram::1234567890123456:role/ram-for-dts",\n\t\t"AssumeRolePolicyDocument": "{\\"Statement\\":[{\\"Action\\":\\"sts:AssumeRole\\",\\"Effect\\":\\"Allow\\",\\"Principal\\":{\\"RAM\\":[\\"acs:ram::6543210987654321:root\\"],\\"Service\\":[\\"%s\\"]}}],\\"Version\\":\\"1\\"}",\n\t\t"RoleName": "ram-for-dts"\n\t}\n}\n' "$svc" ;;
src/"ram ListPoliciesForRole")
	printf '{"Policies":{"Policy":[{"PolicyName":"AliyunDTSRolePolicy","PolicyType":"System","DefaultVersion":"v1"}]},"RequestId":"R3"}\n' ;;
*)
	echo "ERROR: stub: no answer for $profile/$call" >&2; exit 1 ;;
esac
STUB
chmod +x "$tmp/bin/aliyun"
PATH=$tmp/bin:$PATH
export PATH STUB_LOG="$tmp/calls.log"

run() { # run DIR ARGS...: the script into DIR; status in $st
	dir=$1; shift
	: >"$STUB_LOG"
	sh "$collect" -o "$tmp/$dir" "$@" >"$tmp/out" 2>"$tmp/err"
	st=$?
}

# A correct setup: every export written, the folder lints clean.
run good -j i03e3zty16iab12 -c creator -p 1234567890123456=src -r cn-hangzhou
[ "$st" -eq 0 ] && ok || { bad "correct setup: exit $st"; cat "$tmp/err"; }
for f in caller-identity.json dts-job-i03e3zty16iab12.json \
	1234567890123456/roles.json 1234567890123456/ram-for-dts.json \
	1234567890123456/ram-for-dts.policies.json; do
	[ -s "$tmp/good/$f" ] && ok || bad "correct setup: $f not written"
done
[ "$(ls "$tmp/good" | wc -l)" -eq 3 ] && ok || bad "stray files: $(ls "$tmp/good")"
if grep -Ev '^--profile [a-z]+ --region cn-hangzhou (sts GetCallerIdentity|dts DescribeDtsJobDetail --DtsJobId i03e3zty16iab12 --RegionId cn-hangzhou|ram (ListRoles --MaxItems 1000|GetRole --RoleName ram-for-dts|ListPoliciesForRole --RoleName ram-for-dts))$' "$STUB_LOG"; then
	bad "a call that is not one of the expected reads (above)"
else ok; fi
"$bin" "$tmp/good" >"$tmp/lint" 2>&1
st=$?
[ "$st" -eq 0 ] && ok || { bad "lint of the correct folder: exit $st"; cat "$tmp/lint"; }
grep -qF 'task i03e3zty16iab12, role ram-for-dts,' "$tmp/lint" &&
	grep -qF 'creator 6543210987654321)' "$tmp/lint" && ok ||
	{ bad "lint did not associate the set:"; cat "$tmp/lint"; }

# The same task with the collapsed trust policy: the lint finds it.
STUB_BROKEN=1 run broken -j i03e3zty16iab12 -c creator -p 1234567890123456=src
[ "$st" -eq 0 ] && ok || bad "broken setup: exit $st"
"$bin" "$tmp/broken" >"$tmp/lint" 2>&1
[ $? -eq 1 ] && grep -q 'DP302' "$tmp/lint" && ok ||
	{ bad "lint of the broken folder:"; cat "$tmp/lint"; }

# A role that does not exist: GetRole fails, the rest is written.
STUB_ROLE=ram-for-dst run missing -j i03e3zty16iab12 -c creator -p 1234567890123456=src
[ "$st" -eq 1 ] && ok || bad "missing role: exit $st, expected 1"
grep -q 'EntityNotExist.Role' "$tmp/err" && ok || bad "missing role: error not shown"
[ -s "$tmp/missing/1234567890123456/roles.json" ] && ok || bad "missing role: roles.json not written"
[ ! -e "$tmp/missing/1234567890123456/ram-for-dst.json" ] && ok ||
	bad "missing role: a failed export left a file"
ls "$tmp/missing/1234567890123456" | grep -q '\.tmp$\|\.err$' && bad "temporary files left" || ok

# An ARN typed as the role name: the role it names is exported.
STUB_ROLE=acs:ram::1234567890123456:role/ram-for-dts run arn -j i03e3zty16iab12 -c creator -p 1234567890123456=src
[ "$st" -eq 0 ] && [ -s "$tmp/arn/1234567890123456/ram-for-dts.json" ] && ok ||
	bad "ARN as role name: exit $st"

# No profile for the role owner: said, and the status says so.
run noprofile -j i03e3zty16iab12 -c creator
[ "$st" -eq 1 ] && grep -q 'no profile for account 1234567890123456' "$tmp/err" && ok ||
	{ bad "no profile: exit $st"; cat "$tmp/err"; }

# Usage errors.
for args in "" "-c creator" "-j i03e3zty16iab12" "-j x -c c -p nouid" \
	"-j 'bad id' -c c" "-j x -c c extra"; do
	eval "sh \"\$collect\" $args" >/dev/null 2>"$tmp/err"
	st=$?
	[ "$st" -eq 2 ] && ok || bad "usage '$args': exit $st, expected 2"
done
sh "$collect" -h | grep -q '^usage: dts-preflight-collect -j JOB_ID' && ok || bad "-h"

echo "collect.sh: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
