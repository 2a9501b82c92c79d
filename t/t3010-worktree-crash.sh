#!/bin/sh

test_description='worktree fork/create/rename/remove: a crash at every step, then doctor'

. "$(dirname "$0")/test-lib.sh"

# crash POINT CMD...: run a jvs program that must die at POINT (exit 99).
crash () {
	point=$1 && shift &&
	(JVS_FAULT=$point && export JVS_FAULT && cd repo && test_must_fail --exit=99 "$@")
}

# repair: doctor finds the leftovers (warnings, or errors with exit 4),
# repairs them, and is then healthy.
repair () {
	{ (cd repo && jvs-doctor >../findings); rc=$?; test $rc = 0 || test $rc = 4; } &&
	! grep "^Repository is healthy" findings &&
	grep "intent" findings &&
	(cd repo && jvs-doctor --repair-runtime >../repaired) &&
	(cd repo && jvs-doctor >../after) &&
	grep "^Repository is healthy" after &&
	ls -A repo | grep "^\.jvs-tmp" >tmps ; test ! -s tmps &&
	test -z "$(ls -A repo/.jvs/intents)"
}

# present NAME CONTENT: worktree NAME is complete and holds a=CONTENT.
present () {
	test -f repo/.jvs/worktrees/$1/config.json &&
	echo "$2" >expect.$1 &&
	test_cmp expect.$1 repo/worktrees/$1/a &&
	(cd repo && jvs-worktree-list -q) | grep -x "$1"
}

# absent NAME: no trace of worktree NAME.
absent () {
	test ! -e repo/.jvs/worktrees/$1 &&
	test ! -e repo/worktrees/$1 &&
	! (cd repo && jvs-worktree-list -q) | grep -x "$1"
}

test_expect_success 'setup' '
	jvs-init repo >/dev/null &&
	echo one >repo/main/a &&
	(cd repo/main && jvs-snapshot -q first --tag t1 >/dev/null)
'

for point in fork-after-intent fork-after-checkout
do
	test_expect_success "fork crash at $point: doctor rolls back, fork can be rerun" "
		crash $point jvs-worktree-fork t1 f-$point &&
		absent f-$point &&
		repair &&
		absent f-$point &&
		(cd repo && jvs-worktree-fork t1 f-$point >/dev/null) &&
		present f-$point one
	"
done

test_expect_success 'fork crash after the move: doctor rolls forward' '
	crash fork-after-rename jvs-worktree-fork t1 f-moved &&
	! (cd repo && jvs-worktree-list -q) | grep -x f-moved &&
	repair &&
	present f-moved one &&
	cfg=repo/.jvs/worktrees/f-moved/config.json &&
	grep "\"head_snapshot_id\": \"$(cd repo/main && jvs-history --format id | head -n 1)\"" $cfg
'

for point in create-after-intent create-after-checkout
do
	test_expect_success "create crash at $point: doctor rolls back" "
		crash $point jvs-worktree-create c-$point &&
		repair &&
		absent c-$point
	"
done

test_expect_success 'create crash after the move: doctor rolls forward' '
	crash create-after-rename jvs-worktree-create c-moved &&
	repair &&
	test -f repo/.jvs/worktrees/c-moved/config.json &&
	test -d repo/worktrees/c-moved &&
	grep "\"head_snapshot_id\": null" repo/.jvs/worktrees/c-moved/config.json
'

test_expect_success 'rename crash before the move: the old name stays' '
	(cd repo && jvs-worktree-fork t1 r1 >/dev/null) &&
	crash rename-after-intent jvs-worktree-rename r1 r1-new &&
	repair &&
	present r1 one &&
	absent r1-new
'

for point in rename-after-payload rename-after-config
do
	test_expect_success "rename crash at $point: doctor finishes it" "
		(cd repo && jvs-worktree-fork t1 r-$point >/dev/null) &&
		crash $point jvs-worktree-rename r-$point n-$point &&
		repair &&
		present n-$point one &&
		absent r-$point
	"
done

test_expect_success 'remove crash before the move: the worktree stays' '
	(cd repo && jvs-worktree-fork t1 d1 >/dev/null) &&
	crash remove-after-intent jvs-worktree-remove d1 &&
	repair &&
	present d1 one
'

for point in remove-after-rename remove-after-config
do
	test_expect_success "remove crash at $point: doctor finishes it" "
		(cd repo && jvs-worktree-fork t1 d-$point >/dev/null) &&
		crash $point jvs-worktree-remove d-$point &&
		repair &&
		absent d-$point
	"
done

test_expect_success 'main and the snapshots are untouched by all of this' '
	echo one >expect &&
	test_cmp expect repo/main/a &&
	(cd repo && jvs-verify --all >/dev/null)
'

test_done
