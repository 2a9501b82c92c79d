#!/bin/sh

test_description='jvs info: text and JSON, from anywhere in the repository'

. "$(dirname "$0")/test-lib.sh"

json_field () {
	python3 -c '
import json, sys
v = json.load(sys.stdin)[sys.argv[1]]
print(v if isinstance(v, str) else json.dumps(v))' "$1"
}

test_expect_success 'info of a new repository' '
	jvs-init repo >/dev/null &&
	(cd repo/main && jvs-info) >out 2>err &&
	test ! -s err &&
	grep "^Repository" out &&
	grep "$(cd repo && pwd -P)" out &&
	grep -E "copy|reflink-copy|juicefs-clone" out &&
	grep "blake2b-256" out &&
	grep "^Snapshots: 0\$" out &&
	grep "^Worktrees: 1" out &&
	grep "^Format version: 1\$" out
'

test_expect_success 'info --json has the SPEC fields' '
	(cd repo/main && jvs-info --json) >out &&
	python3 - out "$(cd repo && pwd -P)" <<-\EOF
	import json, sys
	raw = open(sys.argv[1]).read()
	j = json.loads(raw)
	assert j["repo_root"] == sys.argv[2], j
	assert j["format_version"] == 1, j
	assert j["snapshot_engine"] in ("copy", "reflink-copy", "juicefs-clone"), j
	assert j["total_snapshots"] == 0, j
	assert j["total_worktrees"] == 1, j
	assert j["hash_algorithm"] == "blake2b-256", j
	assert j.get("current_worktree") in (None, "main"), j
	assert raw.startswith("{\n  \"repo_root\": "), raw[:40]
	EOF
'

test_expect_success 'counts follow snapshots' '
	echo a >repo/main/a &&
	(cd repo/main && jvs-snapshot -q one && jvs-snapshot -q two) >/dev/null &&
	(cd repo/main && jvs-info) >out &&
	grep "^Snapshots: 2\$" out &&
	(cd repo/main && jvs-info --json) >out &&
	test "$(json_field total_snapshots <out)" = 2 &&
	test "$(json_field total_worktrees <out)" = 1
'

test_expect_success 'info works from the repository root, nested dirs and -C' '
	(cd repo && jvs-info) >root.out &&
	grep "^Repository" root.out &&
	grep "^Snapshots: 2\$" root.out &&
	(cd repo && jvs-info --json) >root.json &&
	test "$(json_field total_snapshots <root.json)" = 2 &&
	test "$(json_field current_worktree <root.json)" = null &&
	mkdir -p repo/main/x/y &&
	(cd repo/main/x/y && jvs-info --json) >nested.json &&
	test "$(json_field current_worktree <nested.json)" = main &&
	(cd repo/.jvs/snapshots && jvs-info) >inside.out &&
	grep "^Repository" inside.out &&
	jvs-info -C repo --json >c.json &&
	test "$(json_field repo_root <c.json)" = "$(cd repo && pwd -P)"
'

test_expect_success 'JVS_SNAPSHOT_ENGINE=copy is reported' '
	(cd repo && JVS_SNAPSHOT_ENGINE=copy jvs-info --json) >out &&
	test "$(json_field snapshot_engine <out)" = copy
'

test_expect_success 'JVS_SNAPSHOT_ENGINE=bogus: exit 2, E_USAGE' '
	(cd repo && export JVS_SNAPSHOT_ENGINE=bogus && test_must_fail --exit=2 jvs-info) >out 2>err &&
	grep "^jvs-info: E_USAGE: .*bogus" err &&
	test ! -s out
'

test_expect_success 'JVS_SNAPSHOT_ENGINE=bogus with --json: the error as JSON on stdout' '
	(cd repo && export JVS_SNAPSHOT_ENGINE=bogus && test_must_fail --exit=2 jvs-info --json) >out 2>err &&
	grep E_USAGE err &&
	python3 -c "
import json, sys
e = json.load(open(sys.argv[1]))[\"error\"]
assert e[\"class\"] == \"E_USAGE\", e
assert \"bogus\" in e[\"message\"], e
" out
'

test_expect_success 'a snapshot without .READY is not counted' '
	id=$(cd repo/main && jvs-history --format id --limit 1) &&
	mv repo/.jvs/snapshots/$id.READY ready.saved &&
	(cd repo && jvs-info --json) >out &&
	test "$(json_field total_snapshots <out)" = 1 &&
	mv ready.saved repo/.jvs/snapshots/$id.READY &&
	(cd repo && jvs-info --json) >out &&
	test "$(json_field total_snapshots <out)" = 2
'

# Engine detection probes FICLONE with scratch files in .jvs/tmp, so only
# that directory's mtime may change.
test_expect_success 'info is read-only' '
	: the cache may be refreshed, and its journal then comes and goes in &&
	: .jvs, so the mtime of .jvs itself is not compared: -mindepth 1 &&
	(cd repo && find .jvs -mindepth 1 \( -path ".jvs/index.sqlite*" -o -path .jvs/tmp \) \
		-prune -o -printf "%p %s %T@\n" | LC_ALL=C sort) >before &&
	(cd repo && jvs-info >/dev/null && jvs-info --json >/dev/null) &&
	(cd repo && find .jvs -mindepth 1 \( -path ".jvs/index.sqlite*" -o -path .jvs/tmp \) \
		-prune -o -printf "%p %s %T@\n" | LC_ALL=C sort) >after &&
	test -z "$(ls -A repo/.jvs/tmp)" &&
	test_cmp before after
'

test_expect_success 'info outside a repository: E_NOT_A_REPO' '
	mkdir elsewhere &&
	(cd elsewhere && test_must_fail --exit=1 jvs-info) 2>err &&
	grep E_NOT_A_REPO err
'

test_done
