#!/bin/sh

test_description='Example 3 drills: migrate a repository, recover a wiped worktree and a lost .jvs

A copy of .jvs/ without its runtime state (intents/, index.sqlite) plus the
payload roots is a complete repository after doctor --strict
--repair-runtime, with the same history; a wiped worktree comes back by
restoring a short unique id prefix; a deleted .jvs/ comes back from the
backup.  Doctor works from the root, from inside .jvs/ and from inside any
worktree.'

. "$(dirname "$0")/test-lib.sh"

ms_of () {
	echo $(( $(date -u -d "$1" +%s) * 1000 ))
}

# snap DIR WHEN ARGS...: snapshot in DIR at the given time.
snap () {
	_dir=$1 _when=$2 && shift 2 &&
	(cd "$_dir" && JVS_TEST_NOW_MS=$(ms_of "$_when") jvs snapshot -q "$@")
}

healthy_out () {
	echo "Repository is healthy" >healthy.expect &&
	test_cmp healthy.expect "$1"
}

# views DIR OUT: everything a user sees of the history, from DIR.
views () {
	(cd "$1/main" && jvs history && jvs history --all && jvs history --json &&
	 jvs history --all --format tsv && jvs worktree list && jvs pin list &&
	 jvs status --json | grep -v "\"path\"" &&
	 jvs gc plan --keep-last 3 --json | grep -v "created_at") >"$2"
}

test_expect_success 'setup: production repository with worktrees, tags, pins and gc history' '
	jvs init prod >/dev/null &&
	mkdir -p prod/main/app/conf prod/main/data prod/main/empty &&
	echo "v1" >prod/main/app/main.py &&
	echo "port=1" >prod/main/app/conf/app.ini &&
	head -c 65536 /dev/urandom >prod/main/data/blob &&
	ln -s app/main.py prod/main/entry &&
	printf "#!/bin/sh\necho run\n" >prod/main/run.sh && chmod 755 prod/main/run.sh &&
	snap prod/main 2024-01-01T02:00:00Z "Daily backup 2024-01-01" --tag daily >id.d1 &&
	echo "v2" >prod/main/app/main.py &&
	snap prod/main 2024-01-02T02:00:00Z "Daily backup 2024-01-02" --tag daily >id.d2 &&
	echo "port=2" >prod/main/app/conf/app.ini &&
	snap prod/main 2024-01-03T02:00:00Z "Daily backup 2024-01-03" >id.d3 &&
	echo "v4" >prod/main/app/main.py && rm prod/main/data/blob &&
	snap prod/main 2024-01-07T02:00:00Z "Weekly backup 2024-01-07" --tag weekly >id.w1 &&
	(cd prod/main && jvs worktree fork $(cat ../../id.d2) hotfix) >/dev/null &&
	echo fix >prod/worktrees/hotfix/app/fix.py &&
	snap prod/worktrees/hotfix 2024-01-08T02:00:00Z "Hotfix" --tag stable >id.hf &&
	(cd prod/main && jvs pin add $(cat ../../id.d1) --reason audit) >/dev/null &&
	(cd prod/main && jvs restore $(cat ../../id.d3)) >/dev/null &&
	(cd prod/main && jvs restore HEAD) >/dev/null &&
	plan=$(cd prod && jvs gc plan --keep-tagged -q) &&
	(cd prod && jvs gc run --plan-id $plan) >gc.out &&
	grep "^Deleted snapshot $(cat id.d3)" gc.out &&
	(cd prod && jvs doctor --strict) >out &&
	healthy_out out &&
	(cd prod && jvs verify --all) >out &&
	! grep -v "^OK " out &&
	test -f prod/.jvs/index.sqlite &&
	views prod views.prod &&
	grep -- "--tag\|pruned\|Hotfix" views.prod
'

test_expect_success 'backup: .jvs/ without intents/ and index.sqlite, plus the payload roots' '
	: a stale intent and a cache that must not travel &&
	echo "{}" >prod/.jvs/intents/snapshot-leftover.json &&
	tar -C prod -cf backup.tar \
		--exclude=.jvs/intents --exclude=.jvs/index.sqlite \
		--exclude=".jvs/index.sqlite-*" \
		.jvs main worktrees &&
	rm prod/.jvs/intents/snapshot-leftover.json &&
	tar -tf backup.tar >listing &&
	! grep "intents\|index.sqlite" listing &&
	grep "^\.jvs/audit/audit.jsonl\$" listing &&
	grep "^worktrees/hotfix/app/fix.py\$" listing
'

test_expect_success 'migrate: unpacked elsewhere, doctor --strict --repair-runtime makes it whole' '
	mkdir -p elsewhere/new &&
	tar -C elsewhere/new -xf backup.tar &&
	test_path_is_missing elsewhere/new/.jvs/intents &&
	test_path_is_missing elsewhere/new/.jvs/index.sqlite &&
	(cd elsewhere/new && jvs doctor --strict --repair-runtime) >out &&
	tail -n 1 out >last &&
	healthy_out last &&
	test_path_is_dir elsewhere/new/.jvs/intents &&
	(cd elsewhere/new && jvs doctor --strict) >out &&
	healthy_out out &&
	(cd elsewhere/new && jvs verify --all) >out &&
	! grep -v "^OK " out &&
	grep -c "^OK [0-9]" out >n &&
	echo 4 >expect &&
	test_cmp expect n
'

test_expect_success 'migrate: the history is identical to the original' '
	views elsewhere/new views.new &&
	test_cmp views.prod views.new &&
	(cd prod && jvs verify --all --json) >v.prod &&
	(cd elsewhere/new && jvs verify --all --json) >v.new &&
	test_cmp v.prod v.new
'

test_expect_success 'migrate: the new copy works (snapshot, restore, fork)' '
	echo "v5" >elsewhere/new/main/app/main.py &&
	(cd elsewhere/new/main && jvs snapshot -q "after migration") >id.new &&
	(cd elsewhere/new/main && jvs restore $(cat ../../../id.d1)) >/dev/null &&
	(cd elsewhere/new/main && jvs worktree fork $(cat ../../../id.new) moved) >/dev/null &&
	diff -r elsewhere/new/.jvs/snapshots/$(cat id.new) elsewhere/new/worktrees/moved &&
	(cd elsewhere/new && jvs doctor --strict) >out &&
	healthy_out out &&
	(cd elsewhere/new && jvs verify --all) >out &&
	! grep -v "^OK " out
'

# shortest_prefix ID: the shortest prefix (at least 4) of ID that no other
# snapshot id starts with.
shortest_prefix () {
	(cd dr && jvs history --all --format id) >all_ids &&
	n=4 &&
	while test $n -le 22
	do
		p=$(printf %s "$1" | cut -c1-$n) &&
		if test "$(grep -c "^$p" all_ids)" = 1
		then
			echo "$p" && return 0
		fi
		n=$((n + 1))
	done &&
	return 1
}

test_expect_success 'disaster: a wiped worktree comes back by a short unique id prefix' '
	mkdir dr && tar -C dr -xf backup.tar &&
	(cd dr && jvs doctor --strict --repair-runtime) >/dev/null &&
	w1=$(cat id.w1) &&
	rm -rf dr/main/* &&
	test -z "$(ls dr/main)" &&
	(cd dr && jvs doctor --strict) >out &&
	healthy_out out &&
	(cd dr/main && jvs history) >hist &&
	grep "^${w1#*-} .*Weekly backup 2024-01-07" hist &&
	prefix=$(shortest_prefix $w1) &&
	test ${#prefix} -lt ${#w1} &&
	(cd dr/main && jvs restore $prefix) >out &&
	grep "^Restored main to $w1" out &&
	diff -r --no-dereference dr/.jvs/snapshots/$w1 dr/main &&
	(cd dr/main && jvs verify $prefix) >out &&
	echo "OK $w1" >expect &&
	test_cmp expect out &&
	(cd dr && jvs doctor --strict) >out &&
	healthy_out out
'

test_expect_success 'disaster: the wiped files were saved as an autosave first' '
	(cd dr && jvs history --all --tag autosave --format id) >saves &&
	test_line_count = 1 saves &&
	test -z "$(ls dr/.jvs/snapshots/$(cat saves))"
'

test_expect_success 'disaster: an ambiguous prefix is refused (exit 3), nothing changes' '
	p=$(cut -c1-4 id.w1) &&
	(cd dr && jvs history --all --format id) | grep -c "^$p" >n &&
	test $(cat n) -gt 1 &&
	(cd dr/main && test_must_fail --exit=3 jvs restore $p) 2>err &&
	grep E_AMBIGUOUS err &&
	diff -r --no-dereference dr/.jvs/snapshots/$(cat id.w1) dr/main
'

test_expect_success 'disaster: a deleted payload root comes back by restoring from the root' '
	hf=$(cat id.hf) &&
	rm -rf dr/worktrees/hotfix &&
	(cd dr && jvs doctor) >out;
	test $? = 4 &&
	grep "^error	payload_root_missing	" out &&
	(cd dr && jvs restore -w hotfix $hf) >out &&
	grep "^Restored hotfix to $hf" out &&
	diff -r --no-dereference dr/.jvs/snapshots/$hf dr/worktrees/hotfix &&
	(cd dr && jvs doctor --strict) >out &&
	healthy_out out
'

test_expect_success 'disaster: .jvs/ deleted, brought back from the backup' '
	rm -rf dr/.jvs &&
	(cd dr/main && test_must_fail jvs history) &&
	tar -C dr -xf backup.tar .jvs &&
	(cd dr && jvs doctor --strict --repair-runtime) >out &&
	tail -n 1 out >last &&
	healthy_out last &&
	(cd dr && jvs doctor --strict) >out &&
	healthy_out out &&
	(cd dr && jvs verify --all) >out &&
	! grep -v "^OK " out &&
	views dr views.dr &&
	test_cmp views.prod views.dr
'

# ---- doctor and verify from anywhere in the repository ---------------------

for where in . .jvs .jvs/snapshots .jvs/audit main main/app/conf worktrees \
	worktrees/hotfix worktrees/hotfix/app
do
	test_expect_success "doctor and verify work from $where" '
		(cd elsewhere/new/'$where' && jvs doctor --strict) >out &&
		healthy_out out &&
		(cd elsewhere/new/'$where' && jvs verify --all --quick) >out &&
		! grep -v "^OK " out &&
		(cd elsewhere/new/'$where' && jvs doctor --json) >out &&
		grep "\"healthy\": true" out
	'
done

test_expect_success 'doctor and verify work from inside a snapshot payload' '
	id=$(cat id.w1) &&
	(cd elsewhere/new/.jvs/snapshots/$id/app && jvs doctor --strict) >out &&
	healthy_out out &&
	(cd elsewhere/new/.jvs/snapshots/$id/app && jvs verify $id) >out &&
	echo "OK $id" >expect &&
	test_cmp expect out
'

test_expect_success 'doctor -C from outside the repository' '
	jvs -C elsewhere/new doctor --strict >out &&
	healthy_out out &&
	jvs-doctor -C elsewhere/new/worktrees/hotfix --strict >out &&
	healthy_out out &&
	jvs -C elsewhere/new/.jvs doctor --strict >out &&
	healthy_out out &&
	jvs -C elsewhere/new verify --all >out &&
	! grep -v "^OK " out
'

test_expect_success 'doctor repairs from inside a worktree and inside .jvs/' '
	echo junk >elsewhere/new/.jvs/tmp/scratch &&
	(cd elsewhere/new/main/app && jvs doctor) >out &&
	grep "^warning	tmp_leftover	.*	clean_tmp\$" out &&
	(cd elsewhere/new/.jvs/snapshots && jvs doctor --repair-runtime) >out &&
	grep "^repaired	" out &&
	test_path_is_missing elsewhere/new/.jvs/tmp/scratch &&
	tail -n 1 out >last &&
	healthy_out last
'

if command -v mandoc >/dev/null 2>&1
then
	test_set_prereq MANDOC
fi

test_expect_success 'man pages of verify and doctor: lint clean (t8004 checks every SYNOPSIS)' '
	for p in verify doctor
	do
		mandoc -T lint -W warning "$jvs_root/man/jvs-$p.1" || return 1
	done
'

test_expect_success 'man page: every doctor code and repair is documented' '
	grep -ho "JVS_SEV_[A-Z]*, \"[a-z_]*\"" "$jvs_root"/libjvs/ops/doctor*.c |
		sed "s/.*\"\(.*\)\"/\1/" | sort -u >codes &&
	test -s codes &&
	for code in $(cat codes) clean_tmp clean_intents rebuild_index advance_head \
		audit_repair resume_gc
	do
		grep -q "$code" "$jvs_root/man/jvs-doctor.1" ||
		{ echo "undocumented: $code"; return 1; }
	done
'

test_expect_success 'outside any repository doctor says so (exit 1)' '
	mkdir nowhere &&
	(cd nowhere && test_must_fail --exit=1 jvs doctor) 2>err &&
	grep E_NOT_A_REPO err
'

test_done
