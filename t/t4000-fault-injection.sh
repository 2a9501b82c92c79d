#!/bin/sh

test_description='every fault point: a crash never shows a half-published state, and doctor heals it

For each crash-injection point (JVS_FAULT=<point> makes the process exit 99
there) a copy of a small repository with history runs the operation, then:
nothing partial is visible to history, restore or verify; snapshot crashes
leave the worktree untouched; restore crashes are finished by rerunning the
restore; doctor names the leftovers with the right repair; after
doctor --repair-runtime (and --repair resume_gc for gc) doctor --strict is
healthy, verify --all passes and no snapshot reported created is lost.'

. "$(dirname "$0")/test-lib.sh"

# ---- the fault points ------------------------------------------------------
#
# Every jvs_fault_point("...") in libjvs/*/*.c, plus the points that the
# fault(op, step) helper of worktree_ops.c builds as "<op>-after-<step>" for
# the two make_worktree() operations.  A new point must be added here
# consciously: the first test fails when the sources hold one this list lacks.

SNAPSHOT_POINTS='snapshot-after-intent snapshot-after-payload
	snapshot-after-descriptor-tmp snapshot-after-payload-rename
	snapshot-after-ready snapshot-after-manifest snapshot-after-descriptor
	snapshot-after-head'
RESTORE_POINTS='restore-after-intent restore-after-checkout restore-after-head'
MAKE_POINTS='fork-after-intent fork-after-checkout fork-after-rename
	create-after-intent create-after-checkout create-after-rename'
RENAME_POINTS='rename-after-intent rename-after-payload rename-after-config'
REMOVE_POINTS='remove-after-intent remove-after-rename remove-after-config'
GC_POINTS='gc-after-mark gc-after-descriptor-delete gc-after-payload-delete'

ALL_POINTS="$SNAPSHOT_POINTS $RESTORE_POINTS $MAKE_POINTS $RENAME_POINTS
	$REMOVE_POINTS $GC_POINTS"

src=$jvs_root/libjvs

discover_points () {
	grep -ho 'jvs_fault_point("[a-z-]*")' "$src"/*/*.c |
		sed -e 's/^jvs_fault_point("//' -e 's/")$//' &&
	ops=$(grep -ho 'make_worktree(repo, "[a-z]*"' "$src"/ops/worktree_ops.c |
		sed -e 's/^make_worktree(repo, "//' -e 's/"$//') &&
	steps=$(grep -ho 'fault(op, "[a-z]*")' "$src"/ops/worktree_ops.c |
		sed -e 's/^fault(op, "//' -e 's/")$//') &&
	for o in $ops
	do
		for s in $steps
		do
			echo "$o-after-$s"
		done
	done
}

test_expect_success 'the list of fault points matches the sources' '
	discover_points | LC_ALL=C sort -u >found &&
	test -s found &&
	for p in $ALL_POINTS; do echo $p; done | LC_ALL=C sort -u >listed &&
	test_cmp listed found &&
	# the only call with a computed name is the helper, and it builds
	# exactly <op>-after-<step>
	grep -h "jvs_fault_point(" "$src"/*/*.c | grep -v "jvs_fault_point(\"" |
		grep -v "^void jvs_fault_point" >computed &&
	echo "	jvs_fault_point(point);" >expect &&
	test_cmp expect computed &&
	grep -q "\"%s-after-%s\", op, step" "$src"/ops/worktree_ops.c
'

# ---- helpers ---------------------------------------------------------------

# tree_sum DIR: every entry (type, mode, size, mtime, link target) and the
# hash of every file, so that any change to the tree shows.
tree_sum () {
	(cd "$1" &&
	 find . -printf "%p %y %m %s %T@ %l\n" | LC_ALL=C sort &&
	 find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r b2sum -l 256)
}

# same_as REPO ID DIR: DIR holds exactly snapshot ID of REPO.
same_as () {
	diff -r --no-dereference "$1/.jvs/snapshots/$2" "$3" &&
	(cd "$1/.jvs/snapshots/$2" && find . -mindepth 1 -printf "%p %y %m %s %T@ %l\n" |
		LC_ALL=C sort) >same.expect &&
	(cd "$3" && find . -mindepth 1 -printf "%p %y %m %s %T@ %l\n" | LC_ALL=C sort) >same.actual &&
	test_cmp same.expect same.actual
}

# published REPO: ids whose descriptor, .READY, manifest and payload all exist.
published () {
	for d in "$1"/.jvs/descriptors/*.json
	do
		test -e "$d" || continue
		i=${d##*/} && i=${i%.json} &&
		if test -f "$1/.jvs/snapshots/$i.READY" && test -f "$1/.jvs/manifests/$i" &&
			test -d "$1/.jvs/snapshots/$i"
		then
			echo "$i"
		fi
	done | LC_ALL=C sort
}

# only_published REPO: history --all and verify --all show exactly the fully
# published snapshots, every one of them OK; anything half-made is refused
# by restore and verify as not found.
only_published () {
	published "$1" >pub &&
	(cd "$1" && jvs history --all --format id) | LC_ALL=C sort >hist &&
	test_cmp pub hist &&
	(cd "$1" && jvs verify --all) >ver &&
	sed -n "s/^OK \([0-9]\{13\}-[0-9a-f]\{8\}\)\$/\1/p" ver | LC_ALL=C sort >ver.ok &&
	test_cmp pub ver.ok &&
	grep -c . ver >ver.n &&
	echo $(( $(wc -l <pub) + 1 )) >ver.want &&
	test_cmp ver.want ver.n &&
	grep -x "OK audit chain" ver &&
	ls "$1/.jvs/descriptors" "$1/.jvs/snapshots" "$1/.jvs/manifests" |
		grep -o "^[0-9]\{13\}-[0-9a-f]\{8\}" | LC_ALL=C sort -u >all_ids &&
	for i in $(cat all_ids)
	do
		grep -qx "$i" pub && continue
		echo "half-made snapshot $i must stay invisible" &&
		test_must_fail --exit=3 jvs -C "$1/main" restore --discard "$i" &&
		test_must_fail --exit=3 jvs -C "$1" verify "$i" || return 1
	done
}

# findings REPO: "<code>\t<repair>" of every doctor finding, sorted; the
# doctor must exit 0 (warnings only) after a crash.
findings () {
	(cd "$1" && jvs doctor) >doctor.out &&
	! grep "^Repository is healthy" doctor.out &&
	cut -f2,4 doctor.out | LC_ALL=C sort
}

# expect_findings CODE:REPAIR...: the expected findings file.
expect_findings () {
	for f in "$@"
	do
		printf "%s\t%s\n" "${f%%:*}" "${f#*:}"
	done | LC_ALL=C sort
}

# healthy REPO: doctor --strict has no finding, verify --all passes,
# nothing is left behind.
healthy () {
	(cd "$1" && jvs doctor --strict) >strict.out &&
	echo "Repository is healthy" >strict.expect &&
	test_cmp strict.expect strict.out &&
	(cd "$1" && jvs verify --all) >verify.out &&
	! grep -v "^OK " verify.out &&
	{ find "$1" -name "*.tmp" -o -name "*.tmp.*" -o -name ".jvs-tmp-*"
	  find "$1/.jvs/intents" "$1/.jvs/tmp" -mindepth 1; } >leftovers &&
	test_must_fail test -s leftovers
}

# repair REPO [ARGS]: doctor --repair-runtime ARGS succeeds and repairs.
repair () {
	_r=$1 && shift &&
	(cd "$_r" && jvs doctor --repair-runtime "$@") >repair.out &&
	grep "^repaired	" repair.out
}

# nothing_lost REPO [GONE_FILE]: every snapshot reported created in the
# template is still there (but those listed in GONE_FILE).
nothing_lost () {
	(cd "$1" && jvs history --all --format id) | LC_ALL=C sort >now &&
	if test -n "$2"
	then
		grep -vxF -f "$2" created.sorted >want || :
	else
		cp created.sorted want
	fi &&
	comm -23 want now >lost &&
	test_must_fail test -s lost
}

cfg () {
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]] or "")' \
		"$1/.jvs/worktrees/$2/config.json" "$3"
}

# snap LABEL [ARGS]: snapshot tpl/main, remembering the reported id.
snap () {
	(cd tpl/main && jvs snapshot "$@") >snap.out &&
	sed -n "s/^Created snapshot \([0-9a-f-]*\).*/\1/p" snap.out >snap.id &&
	test -s snap.id &&
	cat snap.id >>created
}

test_expect_success 'setup: a repository with history, a tag, a symlink, an empty dir, a fork' '
	jvs init tpl >/dev/null &&
	mkdir -p tpl/main/d/e tpl/main/empty &&
	echo a >tpl/main/a && echo b >tpl/main/d/b && echo c >tpl/main/d/e/c &&
	printf "#!/bin/sh\n" >tpl/main/run.sh && chmod 755 tpl/main/run.sh &&
	ln -s a tpl/main/link &&
	snap first --tag base && cp snap.id id.first &&
	echo a2 >tpl/main/a && rm tpl/main/d/e/c && ln -s d/b tpl/main/link2 &&
	snap second && cp snap.id id.second &&
	echo three >tpl/main/d/three && chmod 600 tpl/main/d/b &&
	snap third --tag rel && cp snap.id id.third &&
	(cd tpl/main && jvs worktree fork w1) >/dev/null &&
	echo w >tpl/worktrees/w1/wfile &&
	(cd tpl/worktrees/w1 && jvs snapshot "w1 work") >snap.out &&
	sed -n "s/^Created snapshot \([0-9a-f-]*\).*/\1/p" snap.out >>created &&
	LC_ALL=C sort created >created.sorted &&
	test_line_count = 4 created.sorted &&
	healthy tpl
'

fresh () {
	rm -rf c && cp -a tpl c
}

# ---- snapshot --------------------------------------------------------------

for point in $SNAPSHOT_POINTS
do
	case $point in
	snapshot-after-descriptor) want="stale_intent:clean_intents head_behind:advance_head" ;;
	*) want="stale_intent:clean_intents" ;;
	esac
	test_expect_success "$point: worktree untouched, nothing half-visible, doctor heals" '
		fresh &&
		echo new >c/main/new && echo edit >>c/main/a && rm c/main/d/three &&
		tree_sum c/main >before &&
		head0=$(cfg c main head_snapshot_id) &&
		(cd c/main && JVS_FAULT='$point' test_must_fail --exit=99 jvs snapshot crashed) >out &&
		! grep "Created snapshot" out &&
		tree_sum c/main >after &&
		test_cmp before after &&
		ls c/.jvs/intents >intents &&
		test_line_count = 1 intents &&
		crashed=$(sed -n "s/^snapshot-\(.*\)\.json\$/\1/p" intents) &&
		test -n "$crashed" &&
		only_published c &&
		findings c >actual &&
		expect_findings '"$want"' >expect &&
		test_cmp expect actual &&
		repair c &&
		healthy c &&
		nothing_lost c &&
		if grep -qx "$crashed" pub
		then
			# published before the crash: rolled forward
			test "$(cfg c main head_snapshot_id)" = "$crashed" &&
			test "$(cfg c main latest_snapshot_id)" = "$crashed" &&
			same_as c "$crashed" c/main &&
			grep "\"target\":\"$crashed\"" c/.jvs/audit/audit.jsonl
		else
			# not published: rolled back without a trace
			test "$(cfg c main head_snapshot_id)" = "$head0" &&
			! ls -a c/.jvs/snapshots c/.jvs/manifests c/.jvs/descriptors | grep "$crashed"
		fi &&
		tree_sum c/main >after &&
		test_cmp before after &&
		(cd c/main && jvs snapshot -q again) >again &&
		same_as c "$(cat again)" c/main &&
		healthy c
	'
done

# An autosave (restore of a dirty worktree) runs the same publish steps but
# must never move head or latest, even when doctor finishes it.
for point in snapshot-after-payload snapshot-after-descriptor snapshot-after-head
do
	test_expect_success "$point in the autosave of a restore: head and latest stay" '
		fresh &&
		first=$(cat id.first) third=$(cat id.third) &&
		echo unsaved >c/main/unsaved &&
		(cd c/main && JVS_FAULT='$point' test_must_fail --exit=99 jvs restore $first) &&
		test -f c/main/unsaved &&
		only_published c &&
		repair c &&
		healthy c &&
		test "$(cfg c main head_snapshot_id)" = "$third" &&
		test "$(cfg c main latest_snapshot_id)" = "$third" &&
		(cd c/main && jvs restore $first) >out &&
		same_as c $first c/main &&
		test "$(cfg c main latest_snapshot_id)" = "$third" &&
		(cd c && jvs history --all --tag autosave --format id) >saves &&
		for s in $(cat saves)
		do
			test "$(cat c/.jvs/snapshots/$s/unsaved)" = unsaved || return 1
		done &&
		test -s saves &&
		healthy c &&
		nothing_lost c
	'
done

# ---- restore ---------------------------------------------------------------

for point in $RESTORE_POINTS
do
	test_expect_success "$point: rerunning the restore reaches the exact target" '
		fresh &&
		first=$(cat id.first) &&
		(cd c/main && JVS_FAULT='$point' test_must_fail --exit=99 jvs restore $first) >out &&
		! grep "^Restored" out &&
		only_published c &&
		findings c >actual &&
		expect_findings interrupted_restore:clean_intents >expect &&
		test_cmp expect actual &&
		(cd c/main && jvs restore $first) >out &&
		grep "^Restored main to $first" out &&
		same_as c $first c/main &&
		test "$(cfg c main head_snapshot_id)" = $first &&
		healthy c &&
		nothing_lost c
	'

	test_expect_success "$point: doctor --repair-runtime finishes the restore" '
		fresh &&
		first=$(cat id.first) &&
		(cd c/main && JVS_FAULT='$point' test_must_fail --exit=99 jvs restore $first) &&
		repair c &&
		same_as c $first c/main &&
		test "$(cfg c main head_snapshot_id)" = $first &&
		test "$(cfg c main latest_snapshot_id)" = $(cat id.third) &&
		healthy c &&
		nothing_lost c
	'
done

# ---- worktree fork and create ----------------------------------------------

for point in $MAKE_POINTS
do
	op=${point%%-*}
	case $point in
	*-after-checkout) want="stale_intent:clean_intents tmp_leftover:clean_tmp" ;;
	*) want="stale_intent:clean_intents" ;;
	esac
	if test $op = fork
	then
		cmd="jvs worktree fork \$(cat ../id.first) w2"
	else
		cmd="jvs worktree create w2"
	fi
	test_expect_success "$point: the new worktree is there whole or not at all" '
		fresh &&
		tree_sum c/main >before &&
		(cd c && JVS_FAULT='$point' test_must_fail --exit=99 '"$cmd"') >out &&
		! grep "Created worktree" out &&
		only_published c &&
		findings c >actual &&
		expect_findings '"$want"' >expect &&
		test_cmp expect actual &&
		repair c &&
		healthy c &&
		nothing_lost c &&
		tree_sum c/main >after &&
		test_cmp before after &&
		if test -e c/.jvs/worktrees/w2
		then
			: rolled forward
		else
			test_path_is_missing c/worktrees/w2 &&
			(cd c && '"$cmd"') >out &&
			grep "Created worktree w2" out
		fi &&
		(cd c && jvs worktree list) >list &&
		grep "^ *w2 " list &&
		if test '$op' = fork
		then
			same_as c $(cat id.first) c/worktrees/w2 &&
			test "$(cfg c w2 head_snapshot_id)" = $(cat id.first)
		else
			test -z "$(ls -A c/worktrees/w2)" &&
			test -z "$(cfg c w2 head_snapshot_id)"
		fi &&
		healthy c
	'
done

# ---- worktree rename -------------------------------------------------------

for point in $RENAME_POINTS
do
	test_expect_success "$point: the worktree has exactly one name afterwards" '
		fresh &&
		tree_sum c/worktrees/w1 >before &&
		head=$(cfg c w1 head_snapshot_id) &&
		(cd c && JVS_FAULT='$point' test_must_fail --exit=99 jvs worktree rename w1 w3) >out &&
		! grep "^Renamed" out &&
		only_published c &&
		findings c >actual &&
		expect_findings stale_intent:clean_intents >expect &&
		test_cmp expect actual &&
		repair c &&
		healthy c &&
		nothing_lost c &&
		(cd c && jvs worktree list) >list &&
		if test -e c/.jvs/worktrees/w3
		then
			name=w3 && test_path_is_missing c/.jvs/worktrees/w1 &&
			test_path_is_missing c/worktrees/w1
		else
			name=w1 && test_path_is_missing c/worktrees/w3
		fi &&
		grep "^ *$name " list &&
		test "$(cfg c $name head_snapshot_id)" = "$head" &&
		tree_sum c/worktrees/$name >after &&
		test_cmp before after
	'
done

# ---- worktree remove -------------------------------------------------------

for point in $REMOVE_POINTS
do
	case $point in
	remove-after-intent) want="stale_intent:clean_intents" ;;
	*) want="stale_intent:clean_intents tmp_leftover:clean_tmp" ;;
	esac
	test_expect_success "$point: the worktree is gone whole or kept whole" '
		fresh &&
		tree_sum c/worktrees/w1 >before &&
		(cd c && JVS_FAULT='$point' test_must_fail --exit=99 jvs worktree remove w1) >out &&
		! grep "^Removed" out &&
		only_published c &&
		findings c >actual &&
		expect_findings '"$want"' >expect &&
		test_cmp expect actual &&
		repair c &&
		healthy c &&
		nothing_lost c &&
		if test -e c/.jvs/worktrees/w1
		then
			tree_sum c/worktrees/w1 >after &&
			test_cmp before after
		else
			test_path_is_missing c/worktrees/w1 &&
			! (cd c && jvs worktree list) | grep "^ *w1 "
		fi
	'
done

# ---- gc run ----------------------------------------------------------------

for point in $GC_POINTS
do
	test_expect_success "$point: a half-deleted snapshot is invisible; resume_gc finishes" '
		fresh &&
		plan=$(cd c && jvs gc plan --keep-last 1 -q) &&
		(cd c && jvs gc plan --keep-last 1 --json) >plan.json &&
		python3 -c "import json; [print(c if isinstance(c, str) else c[\"snapshot_id\"]) for c in json.load(open(\"plan.json\"))[\"candidates\"]]" |
			LC_ALL=C sort >candidates &&
		cat id.first id.second | LC_ALL=C sort >expect &&
		test_cmp expect candidates &&
		(cd c && JVS_FAULT='$point' test_must_fail --exit=99 jvs gc run --plan-id $plan) &&
		only_published c &&
		findings c >actual &&
		expect_findings interrupted_gc:resume_gc >expect &&
		test_cmp expect actual &&
		(cd c && jvs doctor --repair-runtime --repair resume_gc) >repair.out &&
		grep "^repaired	gc run of plan $plan" repair.out &&
		healthy c &&
		nothing_lost c candidates &&
		for i in $(cat candidates)
		do
			test_path_is_missing c/.jvs/descriptors/$i.json &&
			test_path_is_missing c/.jvs/snapshots/$i &&
			test_path_is_missing c/.jvs/snapshots/$i.READY &&
			test_path_is_missing c/.jvs/manifests/$i &&
			grep "\"state\": \"deleted\"" c/.jvs/gc/tombstones/$i.json || return 1
		done
	'
done

test_done
