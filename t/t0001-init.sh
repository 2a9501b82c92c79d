#!/bin/sh

test_description='jvs init: layout, refusals, repository discovery, -C/-w, format_version'

. "$(dirname "$0")/test-lib.sh"

# A listing of a tree that changes when anything in it is created, removed,
# written, renamed or has its metadata changed.
tree_state () {
	find "$1" -printf '%p %y %m %s %n %T@ %C@\n' | LC_ALL=C sort &&
	find "$1" -type f -exec b2sum {} + | LC_ALL=C sort
}

test_expect_success 'init prints the absolute path, engine and next step' '
	jvs-init repo >out 2>err &&
	root=$(cd repo && pwd -P) &&
	grep "^Initialized JVS repository in $root\$" out &&
	grep -i "engine" out &&
	grep "cd repo/main" out &&
	test ! -s err
'

test_expect_success 'format_version holds 1' '
	echo 1 >expect &&
	test_cmp expect repo/.jvs/format_version
'

test_expect_success 'control plane layout' '
	for d in worktrees worktrees/main snapshots descriptors manifests intents audit \
		 gc gc/pins gc/plans gc/tombstones locks tmp
	do
		test -d repo/.jvs/$d || echo "missing .jvs/$d" >>missing
	done &&
	test ! -e missing &&
	test -f repo/.jvs/config.json &&
	test -f repo/.jvs/worktrees/main/config.json &&
	test -f repo/.jvs/audit/audit.jsonl
'

test_expect_success 'config.json has a uuid repo_id; main config has null pointers' '
	python3 - repo/.jvs <<-\EOF
	import json, sys, uuid
	root = sys.argv[1]
	cfg = json.load(open(root + "/config.json"))
	assert str(uuid.UUID(cfg["repo_id"])) == cfg["repo_id"], cfg
	assert "created_at" in cfg, cfg
	wt = json.load(open(root + "/worktrees/main/config.json"))
	assert wt["name"] == "main", wt
	for k in ("base_snapshot_id", "head_snapshot_id", "latest_snapshot_id"):
	    assert wt[k] is None, (k, wt)
	EOF
'

# worktrees/ may hold the convenience link worktrees/worktrees -> . (so that
# `cd ../worktrees/NAME` works from inside any worktree), nothing else.
test_expect_success 'payload root main/ is empty and worktrees/ exists' '
	test -d repo/main &&
	test -z "$(ls -A repo/main)" &&
	test -d repo/worktrees &&
	! ls -A repo/worktrees | grep -v "^worktrees\$" &&
	if test -e repo/worktrees/worktrees
	then
		test -L repo/worktrees/worktrees &&
		test "$(readlink repo/worktrees/worktrees)" = .
	fi
'

test_expect_success 'init leaves no temporary directories behind' '
	ls -A repo >actual &&
	printf "%s\n" .jvs main worktrees >expect &&
	test_cmp expect actual
'

test_expect_success 'audit log has exactly one init record' '
	test $(wc -l <repo/.jvs/audit/audit.jsonl) -eq 1 &&
	python3 - repo/.jvs/audit/audit.jsonl <<-\EOF
	import json, sys
	rec = json.loads(open(sys.argv[1]).readline())
	assert rec["operation"] == "init", rec
	assert rec["prev_hash"] is None, rec
	for k in ("event_id", "timestamp", "actor", "target", "details", "reason", "record_hash"):
	    assert k in rec, (k, rec)
	EOF
'

test_expect_success 'init twice fails with E_EXISTS and changes nothing' '
	tree_state repo >before &&
	test_must_fail --exit=1 jvs-init repo >out 2>err &&
	grep "^jvs-init: E_EXISTS: .*already exists" err &&
	tree_state repo >after &&
	test_cmp before after
'

test_expect_success 'init into a non-empty directory fails with E_EXISTS' '
	mkdir full &&
	echo data >full/file &&
	test_must_fail --exit=1 jvs-init full 2>err &&
	grep "^jvs-init: E_EXISTS: " err &&
	grep "^hint: " err &&
	ls -A full >actual &&
	echo file >expect &&
	test_cmp expect actual
'

test_expect_success 'init into a directory holding only a dot file fails' '
	mkdir dotted &&
	: >dotted/.hidden &&
	test_must_fail --exit=1 jvs-init dotted 2>err &&
	grep E_EXISTS err &&
	test ! -e dotted/.jvs
'

test_expect_success 'init onto a regular file fails with E_EXISTS' '
	: >plainfile &&
	test_must_fail --exit=1 jvs-init plainfile 2>err &&
	grep E_EXISTS err
'

test_expect_success 'init with no argument uses the (empty) current directory' '
	mkdir empty &&
	(cd empty && jvs-init >../out) &&
	grep "Initialized JVS repository in $(cd empty && pwd -P)\$" out &&
	test -f empty/.jvs/format_version &&
	test -d empty/main
'

test_expect_success 'init into an existing empty directory works' '
	mkdir empty2 &&
	jvs-init empty2 >out &&
	test -f empty2/.jvs/format_version
'

test_expect_success 'discovery from a nested directory of main' '
	mkdir -p repo/main/a/b/c &&
	echo x >repo/main/a/b/c/f &&
	(cd repo/main/a/b/c && jvs-snapshot -q >../../../../../id) &&
	test $(wc -l <id) -eq 1 &&
	test -f "repo/.jvs/descriptors/$(cat id).json" &&
	test -f "repo/.jvs/snapshots/$(cat id)/a/b/c/f"
'

test_expect_success 'at the repository root there is no current worktree' '
	(cd repo && test_must_fail --exit=1 jvs-snapshot) 2>err &&
	grep "^jvs-snapshot: E_NO_WORKTREE: " err &&
	grep "^hint: .*main" err &&
	grep "^hint: .*-w" err
'

test_expect_success 'inside .jvs there is no current worktree' '
	(cd repo/.jvs/snapshots && test_must_fail --exit=1 jvs-snapshot) 2>err &&
	grep E_NO_WORKTREE err &&
	(cd repo/worktrees && test_must_fail --exit=1 jvs-snapshot) 2>err &&
	grep E_NO_WORKTREE err
'

test_expect_success 'outside any repository: E_NOT_A_REPO' '
	mkdir -p outside/deep &&
	(cd outside/deep && test_must_fail --exit=1 jvs-snapshot) 2>err &&
	grep "^jvs-snapshot: E_NOT_A_REPO: " err &&
	(cd outside && test_must_fail --exit=1 jvs-history) 2>err &&
	grep E_NOT_A_REPO err &&
	(cd outside && test_must_fail --exit=1 jvs-info) 2>err &&
	grep E_NOT_A_REPO err
'

test_expect_success '-C DIR acts as if started in DIR' '
	jvs-snapshot -C repo/main -q "via -C" >id2 &&
	jvs-history -C repo/main --format id >actual &&
	head -n 1 actual >first &&
	test_cmp id2 first &&
	(cd outside && jvs-info -C ../repo >../info.out) &&
	grep Repository info.out
'

test_expect_success '-C to a missing directory fails' '
	test_must_fail jvs-history -C no-such-dir 2>err &&
	grep "no-such-dir" err
'

test_expect_success '-w main from the repository root' '
	(cd repo && jvs-snapshot -w main -q "via -w") >id3 &&
	jvs-history -C repo/main --format id | head -n 1 >first &&
	test_cmp id3 first &&
	(cd repo && jvs-history -w main --format id) >all &&
	grep -F -f id3 all
'

test_expect_success '-w with an unknown or invalid worktree name' '
	(cd repo && test_must_fail --exit=3 jvs-snapshot -w nosuch) 2>err &&
	grep E_NOT_FOUND err &&
	(cd repo && test_must_fail --exit=2 jvs-snapshot -w ../x) 2>err &&
	grep E_NAME_INVALID err
'

test_expect_success 'format_version 3: every command fails E_FORMAT_UNSUPPORTED, touches nothing' '
	cp -a repo future &&
	echo 3 >future/.jvs/format_version &&
	echo change >future/main/new-file &&
	tree_state future >before &&
	: >failures &&
	for prog in "$JVS_BIN"/jvs-*
	do
		name=${prog##*/}
		case $name in
		jvs-init) continue ;;
		jvs-restore|jvs-pin-add|jvs-diff|jvs-pin-remove) args=HEAD ;;
		jvs-gc-run) args="--plan-id 0" ;;
		jvs-check-ignore) args=x ;;
		jvs-worktree-create|jvs-worktree-fork|jvs-worktree-remove) args=other ;;
		jvs-worktree-rename) args="main other" ;;
		*) args= ;;
		esac &&
		echo $name >>ran &&
		(cd future/main && test_must_fail --exit=4 $name $args) 2>err &&
		grep E_FORMAT_UNSUPPORTED err >/dev/null ||
		{ echo "$name: want E_FORMAT_UNSUPPORTED, exit 4"; cat err; } >>failures &&
		(cd future && test_must_fail --exit=4 $name -w main $args) 2>err &&
		grep E_FORMAT_UNSUPPORTED err >/dev/null ||
		{ echo "$name -w main: want E_FORMAT_UNSUPPORTED, exit 4"; cat err; } >>failures
	done &&
	cat failures &&
	test ! -s failures &&
	test $(wc -l <ran) -ge 3 &&
	tree_state future >after &&
	test_cmp before after
'

test_expect_success 'format_version 3: init into it still refuses' '
	test_must_fail --exit=1 jvs-init future 2>err &&
	grep E_EXISTS err
'

test_done
