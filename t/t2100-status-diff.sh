#!/bin/sh

test_description='jvs status and jvs diff: A/M/D lines, -q exit codes, --stat, --json'

. "$(dirname "$0")/test-lib.sh"

in_main () {
	(cd repo/main && "$@")
}

json_field () {
	python3 -c '
import json, sys
v = json.load(sys.stdin)[sys.argv[1]]
print(v if isinstance(v, str) or v is None else json.dumps(v))' "$1"
}

# changes: only the A/M/D lines of status output
changes () {
	grep "^[AMD]	" "$@"
}

test_expect_success 'status of a worktree without snapshots: every entry is A' '
	jvs-init repo >/dev/null &&
	in_main jvs-status >out &&
	grep "^Worktree: main\$" out &&
	grep "^Clean" out &&
	in_main jvs-status -q &&
	mkdir repo/main/dir &&
	echo a >repo/main/a &&
	echo b >repo/main/dir/b &&
	in_main jvs-status >out &&
	grep "^Head: (none" out &&
	printf "A\ta\nA\tdir\nA\tdir/b\n" >expect &&
	changes out >actual &&
	test_cmp expect actual &&
	test_must_fail --exit=1 in_main jvs-status -q
'

test_expect_success 'after a snapshot: Clean, matches the head; -q exits 0' '
	in_main jvs-snapshot -q "first" >id1 &&
	id1=$(cat id1) &&
	in_main jvs-status >out &&
	grep "^Worktree: main\$" out &&
	grep "^Head: ${id1#*-} (first)\$" out &&
	grep "^Latest: ${id1#*-}\$" out &&
	grep "^State: HEAD state\$" out &&
	grep "^Clean: matches ${id1#*-}\$" out &&
	! changes out &&
	in_main jvs-status -q >out &&
	test ! -s out
'

test_expect_success 'added, modified and deleted entries' '
	id1=$(cat id1) &&
	echo changed >repo/main/a &&
	rm repo/main/dir/b &&
	mkdir -p repo/main/new/sub && echo n >repo/main/new/sub/n &&
	in_main jvs-status >out &&
	grep "^Changes since ${id1#*-}:\$" out &&
	printf "M\ta\nD\tdir/b\nA\tnew\nA\tnew/sub\nA\tnew/sub/n\n" >expect &&
	changes out >actual &&
	test_cmp expect actual &&
	test_must_fail --exit=1 in_main jvs-status -q >out &&
	test ! -s out
'

test_expect_success 'a same-size content change is M' '
	echo same >repo/main/dir/b &&
	in_main jvs-snapshot -q second >id2 &&
	echo SAME >repo/main/dir/b &&
	in_main jvs-status >out &&
	printf "M\tdir/b\n" >expect &&
	changes out >actual &&
	test_cmp expect actual
'

test_expect_success 'a same-size change with the old mtime put back is still M' '
	touch -d "2001-01-01 00:00:00" repo/main/dir/b &&
	echo same >repo/main/dir/b &&
	touch -d "2001-01-01 00:00:00" repo/main/dir/b &&
	in_main jvs-snapshot -q third >id3 &&
	in_main jvs-status -q &&
	echo SAME >repo/main/dir/b &&
	touch -d "2001-01-01 00:00:00" repo/main/dir/b &&
	in_main jvs-status >out &&
	printf "M\tdir/b\n" >expect &&
	changes out >actual &&
	test_cmp expect actual &&
	echo same >repo/main/dir/b
'

test_expect_success 'an mtime-only change is not a change' '
	touch -d "2030-01-01" repo/main/a &&
	in_main jvs-status -q
'

test_expect_success 'a mode change is M, for files and directories' '
	chmod 0755 repo/main/a &&
	chmod 0700 repo/main/dir &&
	in_main jvs-status >out &&
	printf "M\ta\nM\tdir\n" >expect &&
	changes out >actual &&
	test_cmp expect actual &&
	chmod 0644 repo/main/a && chmod 0755 repo/main/dir &&
	in_main jvs-status -q
'

test_expect_success 'symlink retarget and type changes are M' '
	ln -s a repo/main/link &&
	in_main jvs-snapshot -q fourth >id4 &&
	rm repo/main/link && ln -s new repo/main/link &&
	rm -rf repo/main/new && echo file >repo/main/new &&
	in_main jvs-status >out &&
	printf "M\tlink\nM\tnew\nD\tnew/sub\nD\tnew/sub/n\n" >expect &&
	changes out >actual &&
	test_cmp expect actual &&
	in_main jvs-restore --discard HEAD >/dev/null &&
	in_main jvs-status -q
'

test_expect_success 'paths are escaped like manifest paths' '
	printf x >"repo/main/$(printf "tab\there")" &&
	printf y >"repo/main/$(printf "new\nline")" &&
	printf z >"repo/main/back\\slash" &&
	in_main jvs-status >out &&
	printf "A\tback\\\\\\\\slash\nA\tnew\\\\nline\nA\ttab\\\\there\n" >expect &&
	changes out >actual &&
	test_cmp expect actual &&
	in_main jvs-status --json >out &&
	python3 -c "
import json, sys
j = json.load(open(\"out\"))
assert [c[\"path\"] for c in j[\"changes\"]] == [\"back\\\\slash\", \"new\\nline\", \"tab\\there\"], j
" &&
	in_main jvs-restore --discard HEAD >/dev/null
'

test_expect_success 'status --json has the documented keys' '
	echo changed-again >repo/main/a &&
	echo extra >repo/main/extra &&
	in_main jvs-status --json >out &&
	python3 - out $(cat id4) <<-\EOF
	import json, sys
	raw = open(sys.argv[1]).read()
	j = json.loads(raw)
	want = ["worktree", "head_snapshot_id", "latest_snapshot_id", "detached", "dirty",
	        "interrupted_restore", "changes", "added", "modified", "removed"]
	assert sorted(j) == sorted(want), sorted(j)
	assert j["worktree"] == "main"
	assert j["head_snapshot_id"] == sys.argv[2] == j["latest_snapshot_id"], j
	assert j["detached"] is False and j["dirty"] is True, j
	assert j["interrupted_restore"] is None
	assert j["changes"] == [{"status": "M", "path": "a"}, {"status": "A", "path": "extra"}], j
	assert (j["added"], j["modified"], j["removed"]) == (1, 1, 0), j
	assert "\n  \"worktree\": \"main\"" in raw
	EOF
'

test_expect_success 'status shows DETACHED after restoring an older snapshot' '
	in_main jvs-restore --discard $(cat id1) >/dev/null &&
	in_main jvs-status >out &&
	grep "^Head: $(cut -c15- id1) (first)\$" out &&
	grep "^Latest: $(cut -c15- id4)\$" out &&
	grep "^State: DETACHED" out &&
	in_main jvs-status --json >out &&
	test "$(json_field detached <out)" = true &&
	in_main jvs-restore HEAD >/dev/null
'

test_expect_success 'status with JVS_NO_CACHE=1 and with a corrupt index agrees' '
	echo M >repo/main/a &&
	in_main jvs-status >expect &&
	JVS_NO_CACHE=1 in_main jvs-status >actual &&
	test_cmp expect actual &&
	echo garbage >repo/.jvs/index.sqlite &&
	in_main jvs-status >actual &&
	test_cmp expect actual &&
	in_main jvs-restore --discard HEAD >/dev/null
'

test_expect_success 'status from a subdirectory, from the root with -w, and outside a worktree' '
	(cd repo/main/dir && jvs-status -q) &&
	(cd repo && jvs-status -w main) >out &&
	grep "^Worktree: main" out &&
	(cd repo && test_must_fail --exit=1 jvs-status) 2>err &&
	grep E_NO_WORKTREE err &&
	test_must_fail --exit=2 in_main jvs-status extra-arg 2>err &&
	grep E_USAGE err
'

test_expect_success 'diff without arguments: head parent -> head' '
	in_main jvs-diff >out &&
	printf "A\tlink\n" >expect &&
	test_cmp expect out
'

test_expect_success 'diff FROM compares a snapshot with the worktree' '
	echo worktree-edit >repo/main/a &&
	rm repo/main/link &&
	in_main jvs-diff $(cat id4) >out &&
	printf "M\ta\nD\tlink\n" >expect &&
	test_cmp expect out &&
	in_main jvs-diff first >out &&
	printf "M\ta\nM\tdir/b\nA\tnew\nA\tnew/sub\nA\tnew/sub/n\n" >expect &&
	test_cmp expect out &&
	in_main jvs-restore --discard HEAD >/dev/null
'

test_expect_success 'diff FROM TO compares two snapshots, in either direction' '
	in_main jvs-diff $(cat id1) $(cat id4) >out &&
	printf "M\ta\nM\tdir/b\nA\tlink\nA\tnew\nA\tnew/sub\nA\tnew/sub/n\n" >expect &&
	test_cmp expect out &&
	in_main jvs-diff $(cat id4) $(cat id1) >out &&
	printf "M\ta\nM\tdir/b\nD\tlink\nD\tnew\nD\tnew/sub\nD\tnew/sub/n\n" >expect &&
	test_cmp expect out &&
	in_main jvs-diff $(cat id2) $(cat id2) >out &&
	test ! -s out
'

test_expect_success 'diff of the first snapshot lists everything as added' '
	jvs-init solo >/dev/null &&
	echo s >solo/main/s &&
	(cd solo/main && jvs-snapshot -q only >/dev/null && jvs-diff) >out &&
	printf "A\ts\n" >expect &&
	test_cmp expect out
'

test_expect_success 'diff --stat prints only the summary' '
	in_main jvs-diff --stat $(cat id1) $(cat id4) >out &&
	echo "4 added, 2 modified, 0 removed" >expect &&
	test_cmp expect out
'

test_expect_success 'diff --json has the documented keys' '
	in_main jvs-diff --json $(cat id1) $(cat id4) >out &&
	python3 - out $(cat id1) $(cat id4) <<-\EOF &&
	import json, sys
	j = json.load(open(sys.argv[1]))
	want = ["from_snapshot_id", "to_snapshot_id", "added", "removed", "modified",
	        "total_added", "total_removed", "total_modified"]
	assert sorted(j) == sorted(want), sorted(j)
	assert j["from_snapshot_id"] == sys.argv[2] and j["to_snapshot_id"] == sys.argv[3], j
	assert j["added"] == ["link", "new", "new/sub", "new/sub/n"], j
	assert j["removed"] == [] and j["modified"] == ["a", "dir/b"], j
	assert (j["total_added"], j["total_removed"], j["total_modified"]) == (4, 0, 2), j
	EOF
	echo x >>repo/main/a &&
	in_main jvs-diff --json HEAD >out &&
	python3 - out <<-\EOF &&
	import json, sys
	j = json.load(open(sys.argv[1]))
	assert j["to_snapshot_id"] is None, j
	assert j["modified"] == ["a"] and j["total_modified"] == 1, j
	EOF
	in_main jvs-restore --discard HEAD >/dev/null
'

test_expect_success 'diff -q exits 1 when something differs' '
	in_main jvs-diff -q HEAD &&
	test_must_fail --exit=1 in_main jvs-diff -q $(cat id1) $(cat id4)
'

test_expect_success 'diff refusals: unknown ref 3, too many operands 2, no snapshot 3' '
	test_must_fail --exit=3 in_main jvs-diff no-such-ref 2>err &&
	grep E_NOT_FOUND err &&
	test_must_fail --exit=2 in_main jvs-diff a b c 2>err &&
	grep E_USAGE err &&
	jvs-init empty >/dev/null &&
	(cd empty/main && test_must_fail --exit=3 jvs-diff) 2>err &&
	grep E_NOT_FOUND err
'

test_expect_success 'diff of two snapshots works from the repository root' '
	(cd repo && jvs-diff $(cat ../id1) $(cat ../id4)) >out &&
	test $(wc -l <out) -eq 6
'

test_done
