#!/bin/sh

test_description='progress on stderr: shown on a TTY for snapshot, restore, fork, verify and gc run; never without one, with --no-progress, -q or --json'

. "$(dirname "$0")/test-lib.sh"

if command -v script >/dev/null 2>&1; then
	test_set_prereq SCRIPT
fi

# on_tty CMD: runs the shell command CMD under a pseudo-terminal (util-linux
# script), progress threshold lowered to 0; the typescript goes to tty.out.
on_tty () {
	JVS_PROGRESS_MIN_MS=0 script -q -e -c "$1" /dev/null >tty.raw 2>&1
	rc=$?
	tr '\r' '\n' <tty.raw >tty.out
	return $rc
}

test_expect_success 'a repository with a 20 MB tree' '
	jvs init repo >/dev/null &&
	i=0 &&
	while [ $i -lt 20 ]; do
		head -c 1000000 /dev/urandom >repo/main/f$i || return 1
		i=$((i + 1))
	done
'

test_expect_success SCRIPT 'snapshot shows files, bytes and rate on a TTY' '
	on_tty "cd repo/main && jvs snapshot first --tag one" &&
	grep -a "snapshot: 20/20 files, 20.0 MB/20.0 MB, .*/s" tty.out &&
	grep -a "ETA" tty.out &&
	grep -a "Created snapshot" tty.out
'

test_expect_success 'no progress without a TTY' '
	(cd repo/main && echo change >f0 &&
	 JVS_PROGRESS_MIN_MS=0 jvs snapshot second >out 2>err) &&
	grep "Created snapshot" repo/main/out &&
	! grep -e "files," -e "MB/s" repo/main/err &&
	rm repo/main/out repo/main/err
'

test_expect_success SCRIPT 'no progress with --no-progress, -q or --json' '
	on_tty "cd repo/main && echo a >f1 && jvs snapshot --no-progress a && echo b >f1 && jvs snapshot -q b && echo c >f1 && jvs snapshot --json c" &&
	! grep -a "snapshot: " tty.out
'

test_expect_success SCRIPT 'restore shows the walk of a big worktree on a TTY, before it writes anything (count the lines)' '
	jvs init walk >/dev/null &&
	for d in 1 2 3; do
		mkdir walk/main/d$d && ( cd walk/main/d$d && seq 1 1000 | sed "s/^/f/" | xargs touch ) || return 1
	done &&
	(cd walk/main && jvs snapshot a -q >../../walk.a && echo x >d1/f1 && jvs snapshot b -q >/dev/null) &&
	on_tty "cd walk/main && jvs restore $(cat walk.a)" &&
	grep -a "Restored main" tty.out &&
	# 3,003 entries walked: a line at each 256th, then the one entry written
	grep -a "restoring: [0-9]* entries, " tty.out >walk.lines &&
	test $(wc -l <walk.lines) -ge 11 &&
	grep -a "restoring: 2816 entries, " walk.lines &&
	grep -a "restoring: 1/1 entries" tty.out &&
	(cd walk/main && JVS_PROGRESS_INTERVAL_MS=0 jvs restore --progress=json b 2>../../walk.json >/dev/null) &&
	! grep "\"total\":null" walk.json
'

test_expect_success SCRIPT 'restore shows progress on a TTY' '
	on_tty "cd repo/main && jvs restore --discard one" &&
	grep -a "restoring: [0-9]*/[0-9]* entries" tty.out &&
	grep -a "Restored main" tty.out &&
	grep -a DETACHED tty.out
'

test_expect_success SCRIPT 'worktree fork shows progress on a TTY' '
	on_tty "cd repo/main && jvs worktree fork one copy" &&
	grep -a "forking: 20/20 entries" tty.out &&
	grep -a "Created worktree copy" tty.out
'

test_expect_success SCRIPT 'verify shows progress on a TTY' '
	on_tty "cd repo && jvs verify --all" &&
	grep -a "verifying: [0-9]* files, .*MB" tty.out &&
	grep -a "verifying: .*MB/.*MB, .*ETA" tty.out &&
	grep -a "^OK" tty.out
'

test_expect_success SCRIPT 'gc run shows progress on a TTY' '
	jvs -C repo worktree remove --force copy >/dev/null &&
	plan=$(jvs -C repo gc plan --keep-last 1 --json | sed -n "s/.*\"plan_id\": \"\\(.*\\)\".*/\\1/p") &&
	test -n "$plan" &&
	on_tty "jvs -C repo gc run --plan-id $plan" &&
	grep -a "deleting: [0-9]*/[0-9]* snapshots" tty.out &&
	grep -a "GC run" tty.out
'

test_expect_success SCRIPT 'the default threshold hides progress of quick work' '
	: one small file: quick even when every program runs under valgrind &&
	jvs init small >/dev/null &&
	echo d >small/main/f &&
	script -q -e -c "cd small/main && jvs snapshot quick" /dev/null >tty.raw 2>&1 &&
	grep -a "Created snapshot" tty.raw &&
	! grep -a "snapshot: " tty.raw
'

test_expect_success SCRIPT 'colour only on a TTY, never with NO_COLOR or TERM=dumb' '
	on_tty "cd repo/main && TERM=xterm jvs restore --discard one" &&
	grep -a "$(printf "\\033")\\[1;33mDETACHED" tty.out &&
	on_tty "cd repo/main && NO_COLOR=1 TERM=xterm jvs restore --discard one" &&
	! grep -a "$(printf "\\033")\\[1;33m" tty.out &&
	on_tty "cd repo/main && TERM=dumb jvs restore --discard one" &&
	! grep -a "$(printf "\\033")\\[1;33m" tty.out &&
	(cd repo/main && TERM=xterm jvs restore --discard one >../../plain.out) &&
	! grep "$(printf "\\033")" plain.out
'

test_done
