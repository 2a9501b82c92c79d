#!/bin/sh

test_description='hooks in .jvs/hooks: pre/post snapshot, restore, gc; environment, E_HOOK, audit, --no-hooks, crash recovery, doctor'

. "$(dirname "$0")/test-lib.sh"

ID_RE='[0-9]\{13\}-[0-9a-f]\{8\}'
H=$PWD/repo/.jvs/hooks
LOG=$PWD/hooks.log

# hook NAME [EXIT]: a hook that logs its name, environment, cwd and whether
# stdin is open, says something on stdout, and exits EXIT (default 0).
hook () {
	cat >"$H/$1" <<-EOF &&
	#!/bin/sh
	if read -r x; then in=data; else in=eof; fi
	echo "\$JVS_HOOK op=\$JVS_OPERATION wt=\$JVS_WORKTREE id=\$JVS_SNAPSHOT_ID plan=\${JVS_GC_PLAN_ID-} cwd=\$(pwd) stdin=\$in" >>"$LOG"
	echo "stdout of $1"
	exit ${2:-0}
	EOF
	chmod +x "$H/$1"
}

nsnaps () {
	ls repo/.jvs/snapshots | grep -c "^$ID_RE\$" || :
}

last_audit () {
	tail -n 1 repo/.jvs/audit/audit.jsonl
}

test_expect_success 'setup' '
	jvs-init repo >/dev/null &&
	mkdir "$H" &&
	echo one >repo/main/f &&
	first=$(cd repo/main && jvs-snapshot -q first)
'

test_expect_success 'pre-snapshot and post-snapshot run: cwd, environment, no stdin, stdout on stderr' '
	hook pre-snapshot && hook post-snapshot &&
	echo two >repo/main/f &&
	(cd repo/main && echo input | jvs-snapshot -q second) >out 2>err &&
	id=$(cat out) && grep "^$ID_RE\$" out && test $(wc -l <out) = 1 &&
	grep "^stdout of pre-snapshot\$" err &&
	grep "^stdout of post-snapshot\$" err &&
	root=$(cd repo && pwd -P) &&
	cat >expect <<-EOF &&
	pre-snapshot op=snapshot wt=main id= plan= cwd=$root stdin=eof
	post-snapshot op=snapshot wt=main id=$id plan= cwd=$root stdin=eof
	EOF
	test_cmp expect "$LOG"
'

test_expect_success 'a failing pre-snapshot aborts with E_HOOK (exit 5) before any change, audited' '
	hook pre-snapshot 7 &&
	echo three >repo/main/f &&
	n=$(nsnaps) && : >"$LOG" &&
	(cd repo/main && test_must_fail --exit=5 jvs-snapshot third) >out 2>err &&
	grep "E_HOOK: hook pre-snapshot failed (exit status 7)" err &&
	grep "^hint: nothing was changed" err &&
	test "$(nsnaps)" = $n &&
	! grep post-snapshot "$LOG" &&
	last_audit >last &&
	python3 -c "
import json
r = json.load(open(\"last\"))
assert r[\"operation\"] == \"hook\" and r[\"target\"] == \"pre-snapshot\", r
d = r[\"details\"]
assert d[\"exit_status\"] == 7 and d[\"aborted\"] is True and d[\"operation\"] == \"snapshot\", d
assert d[\"worktree\"] == \"main\", d
" &&
	(cd repo && jvs-verify --all) >/dev/null
'

test_expect_success '--no-hooks skips them' '
	: >"$LOG" &&
	(cd repo/main && jvs-snapshot --no-hooks -q third) >out &&
	grep "^$ID_RE\$" out &&
	test ! -s "$LOG"
'

test_expect_success 'a failing post-snapshot: warning, exit 0, snapshot kept, audited' '
	hook pre-snapshot && hook post-snapshot 4 &&
	echo four >repo/main/f &&
	n=$(nsnaps) &&
	(cd repo/main && jvs-snapshot -q fourth) >out 2>err &&
	test "$(nsnaps)" = $((n + 1)) &&
	grep "^warning: hook post-snapshot failed (exit status 4); recorded in the audit log\$" err &&
	last_audit | grep "\"target\":\"post-snapshot\"" &&
	last_audit | grep "\"aborted\":false" &&
	rm "$H/post-snapshot"
'

test_expect_success '--skip-unchanged: pre runs, post only when a snapshot is made' '
	hook post-snapshot && : >"$LOG" &&
	(cd repo/main && jvs-snapshot --skip-unchanged -q) >out 2>err &&
	grep "^pre-snapshot" "$LOG" &&
	! grep "^post-snapshot" "$LOG"
'

test_expect_success 'pre-restore and post-restore: the target in JVS_SNAPSHOT_ID' '
	hook pre-restore && hook post-restore && : >"$LOG" &&
	(cd repo/main && jvs-restore "$first") >out 2>err &&
	echo one >expect && test_cmp expect repo/main/f &&
	grep "^pre-restore op=restore wt=main id=$first " "$LOG" &&
	grep "^post-restore op=restore wt=main id=$first " "$LOG" &&
	! grep snapshot "$LOG"
'

test_expect_success 'a failing pre-restore changes nothing' '
	hook pre-restore 1 &&
	(cd repo/main && jvs-status --json) >before &&
	(cd repo/main && test_must_fail --exit=5 jvs-restore HEAD) 2>err &&
	grep "E_HOOK: hook pre-restore failed" err &&
	(cd repo/main && jvs-status --json) >after &&
	test_cmp before after &&
	echo one >expect && test_cmp expect repo/main/f &&
	(cd repo/main && jvs-restore --no-hooks HEAD) >/dev/null 2>&1 &&
	echo four >expect && test_cmp expect repo/main/f
'

test_expect_success 'a failing post-restore keeps the exit code 0' '
	hook pre-restore && hook post-restore 2 &&
	(cd repo/main && jvs-restore "$first") >out 2>err &&
	grep "^warning: hook post-restore failed (exit status 2)" err &&
	(cd repo/main && jvs-restore --no-hooks HEAD) >/dev/null 2>&1 &&
	rm "$H/pre-restore" "$H/post-restore"
'

test_expect_success 'pre-gc and post-gc: the plan in JVS_GC_PLAN_ID; a failing pre-gc deletes nothing' '
	(cd repo/main && jvs-restore --no-hooks "$first" && jvs-snapshot --no-hooks -q branch) >/dev/null 2>&1 &&
	(cd repo/main && jvs-restore --no-hooks HEAD) >/dev/null 2>&1 &&
	plan=$(cd repo && jvs-gc-plan --keep-last 1 -q) &&
	hook pre-gc 3 && hook post-gc && : >"$LOG" &&
	n=$(nsnaps) &&
	(cd repo && test_must_fail --exit=5 jvs-gc-run --plan-id "$plan") 2>err &&
	grep "E_HOOK: hook pre-gc failed (exit status 3)" err &&
	test "$(nsnaps)" = $n &&
	grep "^pre-gc op=gc wt= id= plan=$plan " "$LOG" &&
	! grep post-gc "$LOG" &&
	hook pre-gc && : >"$LOG" &&
	(cd repo && jvs-gc-run --plan-id "$plan") >out 2>err &&
	test "$(nsnaps)" -lt $n &&
	grep "^pre-gc op=gc wt= id= plan=$plan " "$LOG" &&
	grep "^post-gc op=gc wt= id= plan=$plan " "$LOG" &&
	rm "$H/pre-gc" "$H/post-gc"
'

test_expect_success 'never run during crash recovery (the next snapshot, doctor --repair-runtime)' '
	hook pre-snapshot && hook post-snapshot &&
	echo five >repo/main/f &&
	(cd repo/main && JVS_FAULT=snapshot-after-head test_must_fail --exit=99 \
		jvs-snapshot --no-hooks crashed) >/dev/null 2>&1 &&
	: >"$LOG" &&
	(cd repo && jvs-doctor --repair-runtime) >/dev/null 2>&1 &&
	test ! -s "$LOG" &&
	echo six >repo/main/f &&
	(cd repo/main && JVS_FAULT=snapshot-after-head test_must_fail --exit=99 \
		jvs-snapshot --no-hooks crashed2) >/dev/null 2>&1 &&
	: >"$LOG" &&
	echo seven >repo/main/f &&
	(cd repo/main && jvs-snapshot -q after) >out 2>err &&
	grep "finished the interrupted snapshot" err &&
	test $(grep -c "^pre-snapshot" "$LOG") = 1 &&
	test $(grep -c "^post-snapshot" "$LOG") = 1 &&
	grep "^post-snapshot .* id=$(cat out) " "$LOG"
'

test_expect_success 'a symlinked hook is refused, not followed' '
	mv "$H/pre-snapshot" real-hook &&
	ln -s "$PWD/real-hook" "$H/pre-snapshot" &&
	: >"$LOG" &&
	echo eight >repo/main/f &&
	(cd repo/main && test_must_fail jvs-snapshot x) 2>err &&
	test ! -s "$LOG" &&
	(cd repo && jvs-doctor) >doc 2>&1 &&
	grep "hook_suspect.*pre-snapshot is not run" doc &&
	rm "$H/pre-snapshot"
'

test_expect_success 'doctor warns about a hook that is not executable, or owned by someone else' '
	hook pre-restore && chmod -x "$H/pre-restore" &&
	(cd repo && jvs-doctor) >doc 2>&1 &&
	grep "^warning	hook_suspect	.jvs/hooks/pre-restore is not executable" doc &&
	: >"$LOG" &&
	(cd repo/main && jvs-restore HEAD) >/dev/null 2>&1 &&
	test ! -s "$LOG" &&
	if [ "$(id -u)" = 0 ]; then
		chmod +x "$H/pre-restore" && chown 65534 "$H/pre-restore" &&
		(cd repo && jvs-doctor) >doc 2>&1 &&
		grep "hook_suspect	.jvs/hooks/pre-restore is owned by uid 65534, not by the repository" doc
	fi
'

test_done
