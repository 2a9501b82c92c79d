#!/bin/sh

test_description='out of memory where gc learns which snapshots the worktrees need

JVS_FAULT=nomem:<point> makes the allocation at that point fail. gc plan
protects the head and latest snapshot of every worktree it lists, so a
list that silently came up short would plan to delete a worktree head:
when listing the worktrees runs out of memory, gc plan (and worktree
list, and info) fail with E_INTERNAL instead, and no plan is written.'

. "$(dirname "$0")/test-lib.sh"

ms_of () {
	echo $(( $(date -u -d "$1" +%s) * 1000 ))
}

NOW=$(ms_of 2024-03-05T12:00:00Z)

# main: a -> b; worktree side, forked from a: a -> s. Only side's head
# keeps s (all are older than the default 24 hours).
test_expect_success 'setup: a snapshot only a second worktree keeps' '
	jvs init repo >/dev/null &&
	echo a >repo/main/f &&
	a=$(cd repo/main && JVS_TEST_NOW_MS=$(ms_of 2024-01-01T00:00:00Z) jvs snapshot -q a) &&
	echo b >repo/main/f &&
	(cd repo/main && JVS_TEST_NOW_MS=$(ms_of 2024-01-02T00:00:00Z) jvs snapshot -q b) &&
	(cd repo && jvs worktree fork -q "$a" side) &&
	echo s >repo/worktrees/side/f &&
	(cd repo/worktrees/side && JVS_TEST_NOW_MS=$(ms_of 2024-01-03T00:00:00Z) jvs snapshot -q s) >id.s &&
	test -s id.s &&
	(cd repo && JVS_TEST_NOW_MS=$NOW jvs gc plan --json) >plan.json &&
	grep "\"candidate_count\": *0" plan.json &&
	grep -c "\"snapshot_id\": *\"$(cat id.s)\"" plan.json >n &&
	echo 1 >expect && test_cmp expect n
'

for point in worktree-list-grow worktree-list-name
do
	test_expect_success "nomem:$point: gc plan fails instead of planning to delete a head" '
		(cd repo && find .jvs/gc -type f | sort) >before &&
		(cd repo && JVS_FAULT=nomem:'$point' JVS_TEST_NOW_MS=$NOW \
			test_must_fail --exit=1 jvs gc plan --json) >out 2>err &&
		grep "E_INTERNAL: out of memory listing the worktrees" err &&
		! grep "$(cat id.s)" out &&
		(cd repo && find .jvs/gc -type f | sort) >after &&
		test_cmp before after
	'

	test_expect_success "nomem:$point: worktree list and info fail too" '
		(cd repo && JVS_FAULT=nomem:'$point' test_must_fail --exit=1 jvs worktree list) \
			>out 2>err &&
		grep "E_INTERNAL: out of memory" err &&
		(cd repo && JVS_FAULT=nomem:'$point' test_must_fail --exit=1 jvs info) >out 2>err &&
		grep "E_INTERNAL: out of memory" err
	'
done

test_expect_success 'without the fault the plan still keeps the head' '
	(cd repo && JVS_TEST_NOW_MS=$NOW jvs gc plan --json) >plan.json &&
	grep "\"candidate_count\": *0" plan.json
'

test_done
