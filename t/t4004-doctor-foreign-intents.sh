#!/bin/sh

test_description='doctor --repair-runtime removes intents JVS cannot resume; --repair-list

SPEC section 13: unknown files in .jvs/intents/ are runtime leftovers.
An intent another tool wrote (the reference implementation leaves
{"status":"pending","operation":"gc"} without a plan id), one naming an
unknown operation, one without the fields its operation needs, unparsable
JSON, and entries that are not regular files (a symlink is removed itself,
never followed; a FIFO is never opened) are stale_intent findings repaired
by clean_intents: after doctor --repair-runtime the repository is healthy.
The gc finding never prints "plan ?". --repair-list names every repair.'

. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup: a repository with a snapshot' '
	jvs init repo >/dev/null &&
	echo one >repo/main/f &&
	(cd repo/main && jvs snapshot -q first >/dev/null) &&
	jvs -C repo doctor >out &&
	grep -x "Repository is healthy" out
'

test_expect_success 'the foreign gc intent with no plan id ends healthy after --repair-runtime' '
	echo "{\"status\":\"pending\",\"operation\":\"gc\"}" >repo/.jvs/intents/gc.json &&
	jvs -C repo doctor >out &&
	grep "^warning	stale_intent	.*gc.json.*a gc intent without a plan_id.*	clean_intents$" out &&
	! grep "plan ?" out &&
	jvs -C repo doctor --repair-runtime >out &&
	grep "^repaired	" out &&
	tail -n 1 out | grep -x "Repository is healthy" &&
	test_path_is_missing repo/.jvs/intents/gc.json &&
	jvs -C repo doctor >out &&
	grep -x "Repository is healthy" out
'

test_expect_success 'gc intents for a bad plan id or a plan that is gone are leftovers too' '
	echo "{\"operation\":\"gc\",\"plan_id\":\"zz\"}" >repo/.jvs/intents/gc-zz.json &&
	echo "{\"operation\":\"gc\",\"plan_id\":\"0123456789abcdef\"}" >repo/.jvs/intents/gc-0123456789abcdef.json &&
	jvs -C repo doctor >out &&
	grep "gc-zz.json.*plan_id is not a plan id" out &&
	grep "gc-0123456789abcdef.json.*plan 0123456789abcdef, which no longer exists" out &&
	! grep "plan ?" out &&
	! grep "resume_gc" out &&
	jvs -C repo doctor --repair-runtime >out &&
	tail -n 1 out | grep -x "Repository is healthy"
'

test_expect_success 'unknown operations, missing fields and unparsable JSON are removed' '
	echo "{\"operation\":\"frobnicate\",\"worktree\":\"main\"}" >repo/.jvs/intents/frob-main.json &&
	echo "{\"status\":\"pending\"}" >repo/.jvs/intents/nop.json &&
	echo "{\"operation\":\"restore\"}" >repo/.jvs/intents/restore-x.json &&
	echo "{\"operation\":\"rename\",\"from\":\"a\"}" >repo/.jvs/intents/rename-a.json &&
	echo "{\"operation\":\"snapshot\",\"snapshot_id\":\"nope\"}" >repo/.jvs/intents/snapshot-x.json &&
	echo "{not json" >repo/.jvs/intents/broken.json &&
	echo "[1]" >repo/.jvs/intents/array.json &&
	jvs -C repo doctor >out &&
	grep "frob-main.json.*.frobnicate. is no operation JVS knows" out &&
	grep "nop.json.*it names no operation" out &&
	grep "restore-x.json.*a restore intent without a worktree" out &&
	grep "rename-a.json.*a rename intent without a to" out &&
	grep "snapshot-x.json.*snapshot_id is not a snapshot id" out &&
	grep "unreadable intent .jvs/intents/broken.json" out &&
	grep "unreadable intent .jvs/intents/array.json" out &&
	! grep "?" out &&
	jvs -C repo doctor --repair-runtime >out &&
	tail -n 1 out | grep -x "Repository is healthy" &&
	find repo/.jvs/intents -mindepth 1 >left &&
	test_line_count = 0 left
'

test_expect_success 'a symlink, FIFO or directory in intents/: the entry goes, nothing it points to' '
	mkdir outside &&
	echo "{\"operation\":\"gc\"}" >outside/target.json &&
	echo precious >outside/keep &&
	ln -s "$TRASH_DIRECTORY/outside/target.json" repo/.jvs/intents/link.json &&
	ln -s "$TRASH_DIRECTORY/outside" repo/.jvs/intents/dirlink.json &&
	mkfifo repo/.jvs/intents/fifo.json &&
	mkdir repo/.jvs/intents/dir.json &&
	echo x >repo/.jvs/intents/dir.json/inner &&
	timeout 20 jvs -C repo doctor >out &&
	grep "link.json is a symlink" out &&
	grep "dirlink.json is a symlink" out &&
	grep "fifo.json is a FIFO" out &&
	grep "dir.json is a directory" out &&
	timeout 20 jvs -C repo doctor --repair-runtime >out &&
	tail -n 1 out | grep -x "Repository is healthy" &&
	find repo/.jvs/intents -mindepth 1 >left &&
	test_line_count = 0 left &&
	test -f outside/target.json &&
	test "$(cat outside/keep)" = precious
'

test_expect_success 'a real interrupted gc intent still names its plan and resume_gc' '
	jvs -C repo gc plan -q >plan &&
	plan=$(cat plan) &&
	echo "{\"operation\":\"gc\",\"plan_id\":\"$plan\"}" >repo/.jvs/intents/gc-$plan.json &&
	jvs -C repo doctor >out &&
	grep "^warning	interrupted_gc	gc run of plan $plan was interrupted	resume_gc$" out &&
	jvs -C repo doctor --repair-runtime >out &&
	grep interrupted_gc out &&
	jvs -C repo doctor --repair resume_gc >out &&
	tail -n 1 out | grep -x "Repository is healthy"
'

test_expect_success 'a live intent of another tool is left alone' '
	sleep 30 &
	pid=$! &&
	echo "{\"operation\":\"frobnicate\",\"pid\":$pid,\"host\":\"$(hostname)\"}" >repo/.jvs/intents/live.json &&
	{ jvs -C repo doctor --repair-runtime >out || :; } &&
	kill $pid &&
	test_path_is_file repo/.jvs/intents/live.json &&
	jvs -C repo doctor --repair-runtime >out &&
	tail -n 1 out | grep -x "Repository is healthy"
'

test_expect_success '--repair-list names every repair, what it does and whether it is runtime' '
	jvs-doctor --repair-list >out &&
	cut -f1,2 out >names &&
	cat >expect <<-\EOF &&
	clean_intents	runtime
	resume_gc	explicit
	clean_tmp	runtime
	rebuild_index	runtime
	advance_head	explicit
	audit_repair	explicit
	EOF
	test_cmp expect names &&
	awk -F "\t" "NF != 3 || length(\$3) < 20 { exit 1 }" out &&
	jvs-doctor --repair-list --json >out.json &&
	python3 - out.json <<-\EOF &&
	import json, sys
	r = json.load(open(sys.argv[1]))["repairs"]
	assert [x["name"] for x in r] == ["clean_intents", "resume_gc", "clean_tmp", "rebuild_index", "advance_head", "audit_repair"], r
	assert [x["runtime"] for x in r] == [True, False, True, True, False, False], r
	assert all(len(x["description"]) > 20 for x in r), r
	EOF
	(cd / && jvs doctor --repair-list >/dev/null) &&
	test_must_fail --exit=2 jvs -C repo doctor --repair-list --repair-runtime 2>err &&
	grep "E_USAGE" err
'

test_done
