#!/bin/sh

test_description='jvs snapshot --skip-unchanged: clean, dirty, detached, no head yet, -q, --json, audit'

. "$(dirname "$0")/test-lib.sh"

ID_RE='[0-9]\{13\}-[0-9a-f]\{8\}'

snap () {
	(cd repo/main && jvs-snapshot "$@")
}

nsnaps () {
	ls repo/.jvs/snapshots | grep -c "^$ID_RE\$" || :
}

naudit () {
	wc -l <repo/.jvs/audit/audit.jsonl
}

test_expect_success 'setup: an empty repository' '
	jvs-init repo >/dev/null
'

test_expect_success 'no head yet: an empty worktree is still snapshotted' '
	snap --skip-unchanged -q first >out 2>err &&
	grep "^$ID_RE\$" out &&
	test ! -s err &&
	test "$(nsnaps)" -eq 1 &&
	(cd repo/main && jvs-status --json) >st &&
	grep "\"head_snapshot_id\": \"$(cat out)\"" st
'

test_expect_success 'clean worktree: nothing made, message on stderr, exit 0' '
	echo hello >repo/main/a.txt &&
	head1=$(snap -q second) &&
	n=$(nsnaps) && a=$(naudit) &&
	snap --skip-unchanged third >out 2>err &&
	test ! -s out &&
	echo "No changes since $head1" >expect &&
	test_cmp expect err &&
	test "$(nsnaps)" -eq "$n" &&
	test "$(naudit)" -eq "$a" &&
	test -z "$(find repo/.jvs/intents -mindepth 1)"
'

test_expect_success 'clean worktree: -q prints the head id' '
	head1=$(cd repo/main && jvs-status --json | python3 -c "import json,sys; print(json.load(sys.stdin)[\"head_snapshot_id\"])") &&
	snap --skip-unchanged -q >out 2>err &&
	echo "$head1" >expect &&
	test_cmp expect out &&
	grep "^No changes since $head1\$" err
'

test_expect_success 'clean worktree: --json gives the head descriptor, unchanged true' '
	snap --skip-unchanged --json >out 2>/dev/null &&
	python3 -c "
import json, sys
d = json.load(open(\"out\"))
assert d[\"unchanged\"] is True, d
assert d[\"snapshot_id\"] == sys.argv[1], d
" "$head1"
'

test_expect_success 'a normal snapshot is unaffected and has no unchanged key' '
	snap --json plain >out &&
	! grep unchanged out
'

test_expect_success 'dirty worktree (content, new file, removal, mode): snapshots' '
	for change in "echo more >>repo/main/a.txt" "echo b >repo/main/b.txt" \
		      "rm repo/main/b.txt" "chmod 600 repo/main/a.txt"; do
		n=$(nsnaps) &&
		eval "$change" &&
		snap --skip-unchanged -q >out 2>err &&
		grep "^$ID_RE\$" out &&
		test ! -s err &&
		test "$(nsnaps)" -eq $((n + 1)) || return 1
	done
'

test_expect_success 'detached and equal to its head: skipped, stays detached' '
	old=$(cd repo/main && jvs-history --json | python3 -c "import json,sys; print(json.load(sys.stdin)[-1][\"snapshot_id\"])") &&
	(cd repo/main && jvs-restore "$old") >/dev/null 2>&1 &&
	(cd repo/main && jvs-status --json) >st &&
	grep "\"detached\": true" st &&
	n=$(nsnaps) &&
	snap --skip-unchanged -q >out 2>err &&
	echo "$old" >expect &&
	test_cmp expect out &&
	grep "^No changes since $old\$" err &&
	test "$(nsnaps)" -eq "$n" &&
	(cd repo/main && jvs-status --json) >st &&
	grep "\"detached\": true" st
'

test_expect_success 'detached and dirty: a new line starts as without the option' '
	echo new >repo/main/c.txt &&
	snap --skip-unchanged -q >out 2>err &&
	grep "^$ID_RE\$" out &&
	grep "was detached; a new line of history starts" err
'

test_expect_success 'hash cache: an mtime-only change is not a change' '
	head=$(snap -q again) &&
	touch -d "2001-01-01" repo/main/c.txt &&
	snap --skip-unchanged -q >out 2>err &&
	echo "$head" >expect &&
	test_cmp expect out
'

test_expect_success 'ignored files do not count as changes' '
	head=$(snap -q ign) &&
	echo "*.log" >repo/main/.jvsignore &&
	head=$(snap -q ign2) &&
	echo x >repo/main/noise.log &&
	snap --skip-unchanged -q >out 2>/dev/null &&
	echo "$head" >expect &&
	test_cmp expect out
'

test_expect_success '-w NAME from the repository root' '
	(cd repo && jvs-snapshot -w main --skip-unchanged -q) >out 2>err &&
	echo "$head" >expect &&
	test_cmp expect out
'

test_done
