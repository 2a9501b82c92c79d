#!/bin/sh

test_description='no false alarms: doctor --strict stays healthy through a long run of normal work

A seeded pseudo-random sequence of everyday operations (edits and
snapshots, restores of older snapshots, HEAD and --discard, autosaves,
fork, create, rename, remove --force, pins, gc plan and run) and of crashes
injected with JVS_FAULT that are then resumed the normal way (rerun the
restore or the gc run, doctor --repair-runtime).  After every step but a
crash, doctor --strict prints exactly "Repository is healthy"; verify --all
passes throughout; no snapshot reported created is ever lost.

JVS_TEST_SEED and JVS_TEST_STEPS change the sequence and its length.'

. "$(dirname "$0")/test-lib.sh"

seed=${JVS_TEST_SEED:-4003}
STEPS=${JVS_TEST_STEPS:-110}
echo "# seed $seed, $STEPS steps"

# rand N: r = a pseudo-random number in 0..N-1 (an LCG: the same seed
# gives the same sequence everywhere).
rand () {
	seed=$(( (seed * 1103515245 + 12345) % 2147483648 ))
	r=$(( (seed / 65536) % $1 ))
}

# pick WORD...: p = one of the words.
pick () {
	rand $#
	shift $r
	p=$1
}

# pick_line FILE: p = one of its lines ("" when empty).
pick_line () {
	_n=$(grep -c . "$1")
	p=
	if test "$_n" -gt 0
	then
		rand "$_n"
		p=$(grep . "$1" | sed -n "$((r + 1))p")
	fi
}

R=$TRASH_DIRECTORY/repo

worktrees () {
	jvs -C "$R" worktree list -q
}

wt_path () {
	jvs -C "$R" worktree path "$1"
}

wt_field () {
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]] or "")' \
		"$R/.jvs/worktrees/$1/config.json" "$2"
}

# pick_wt [nomain]: wt = a worktree (not main with "nomain"; "" if none).
pick_wt () {
	worktrees >wts &&
	if test "$1" = nomain
	then
		grep -vx main wts >wts.nomain || :
		mv wts.nomain wts
	fi &&
	pick_line wts &&
	wt=$p
}

# edit DIR: one to four random changes of files, modes, symlinks, dirs.
edit () {
	rand 4
	_k=$((r + 1))
	while test $_k -gt 0
	do
		_k=$((_k - 1))
		rand 8
		case $r in
		0 | 1 | 2)
			rand 3 && _d=$1/d$r && mkdir -p "$_d" &&
			rand 5 && echo "step $step $seed" >"$_d/f$r" ;;
		3)
			(cd "$1" && find . -type f) | LC_ALL=C sort >files &&
			pick_line files && { test -z "$p" || rm -f "$1/$p"; } ;;
		4)
			(cd "$1" && find . -type f) | LC_ALL=C sort >files &&
			pick_line files && _f=$p && pick 0600 0644 0755 0700 &&
			{ test -z "$_f" || chmod $p "$1/$_f"; } ;;
		5)
			rand 3 && _l=l$r && pick d0/f0 d1 nowhere ../outside &&
			rm -rf "$1/$_l" && ln -s "$p" "$1/$_l" ;;
		6)
			rand 3 && mkdir -p "$1/empty$r" ;;
		7)
			rand 3 && rm -rf "$1/d$r" ;;
		esac || return 1
	done
}

# healthy: doctor --strict has nothing to say.
healthy () {
	jvs -C "$R" doctor --strict >doctor.out &&
	echo "Repository is healthy" >doctor.expect &&
	test_cmp doctor.expect doctor.out
}

verify_all () {
	jvs -C "$R" verify --all >verify.out &&
	! grep -v "^OK " verify.out
}

# nothing_lost: each id reported by "Created snapshot" is still there, or
# was deleted by a gc run (it has a tombstone marked deleted).
nothing_lost () {
	jvs -C "$R" history --all --format id >all.ids &&
	for id in $(cat created.ids)
	do
		grep -qx "$id" all.ids ||
		grep -q "\"state\": \"deleted\"" "$R/.jvs/gc/tombstones/$id.json" ||
		{ echo "lost snapshot $id"; return 1; }
	done
}

# crashed: the injected fault fired; doctor still runs (warnings or errors,
# never a crash of its own).
crashed () {
	test "$1" = 99 || { echo "expected exit 99 from the fault, got $1"; return 1; }
	jvs -C "$R" doctor >crash.doctor
	_rc=$?
	test $_rc = 0 || test $_rc = 4 || { echo "doctor exit $_rc after a crash"; return 1; }
	! grep -x "Repository is healthy" crash.doctor
}

# ---- the operations ---------------------------------------------------------

op_snapshot () {
	pick_wt && _p=$(wt_path "$wt") &&
	edit "$_p" &&
	rand 4 &&
	if test $r = 0
	then
		jvs -C "$_p" snapshot "step $step" --tag t$step >snap.out
	else
		jvs -C "$_p" snapshot "step $step" >snap.out
	fi &&
	sed -n "s/^Created snapshot \([0-9a-f-]*\).*/\1/p" snap.out >>created.ids &&
	grep "^Created snapshot" snap.out
}

# restore_target: p = a snapshot to restore in $wt (its line, or any).
restore_target () {
	rand 3 &&
	if test $r = 0
	then
		jvs -C "$R" history --all --format id >targets
	else
		jvs -C "$(wt_path "$wt")" history --format id >targets 2>/dev/null || : >targets
	fi &&
	pick_line targets
}

op_restore () {
	pick_wt && _p=$(wt_path "$wt") &&
	rand 2 && { test $r = 0 || edit "$_p"; } &&
	restore_target &&
	if test -n "$p"
	then
		jvs -C "$_p" restore "$p" >restore.out &&
		grep "^Restored $wt to $p" restore.out &&
		diff -r --no-dereference "$R/.jvs/snapshots/$p" "$_p"
	fi
}

op_restore_head () {
	pick_wt && _p=$(wt_path "$wt") &&
	if test -n "$(wt_field "$wt" latest_snapshot_id)"
	then
		jvs -C "$_p" restore HEAD >restore.out &&
		grep "HEAD state" restore.out &&
		diff -r --no-dereference "$R/.jvs/snapshots/$(wt_field "$wt" latest_snapshot_id)" "$_p"
	fi
}

op_discard () {
	pick_wt && _p=$(wt_path "$wt") &&
	edit "$_p" &&
	restore_target &&
	if test -n "$p"
	then
		n=$(jvs -C "$R" history --all --format id | wc -l) &&
		jvs -C "$_p" restore --discard "$p" >/dev/null &&
		test "$(jvs -C "$R" history --all --format id | wc -l)" = "$n" &&
		diff -r --no-dereference "$R/.jvs/snapshots/$p" "$_p"
	fi
}

# autosave: a dirty worktree restored without --discard is saved first.
op_autosave () {
	pick_wt && _p=$(wt_path "$wt") &&
	echo "unsaved $step" >"$_p/unsaved-$step" &&
	restore_target &&
	if test -n "$p"
	then
		jvs -C "$_p" restore "$p" >restore.out 2>&1 &&
		_a=$(jvs -C "$R" history --all --tag autosave --format id | head -n 1) &&
		test "$(cat "$R/.jvs/snapshots/$_a/unsaved-$step")" = "unsaved $step"
	fi
}

few_worktrees () {
	test $(worktrees | wc -l) -lt 4
}

op_fork () {
	if few_worktrees
	then
		jvs -C "$R" history --all --format id >targets &&
		pick_line targets &&
		if test -n "$p"
		then
			jvs -C "$R" worktree fork "$p" w$step >out &&
			grep "Created worktree w$step" out &&
			diff -r --no-dereference "$R/.jvs/snapshots/$p" "$R/worktrees/w$step"
		fi
	else
		op_remove
	fi
}

op_create () {
	if few_worktrees
	then
		jvs -C "$R" worktree create w$step >out &&
		grep "Created worktree w$step" out
	else
		op_remove
	fi
}

op_rename () {
	pick_wt nomain &&
	if test -n "$wt"
	then
		jvs -C "$R" worktree rename "$wt" r$step >out &&
		grep "Renamed worktree $wt to r$step" out
	fi
}

op_remove () {
	pick_wt nomain &&
	if test -n "$wt"
	then
		rand 2 && { test $r = 0 || edit "$(wt_path "$wt")"; } &&
		jvs -C "$R" worktree remove --force "$wt" >out &&
		grep "Removed worktree $wt" out
	fi
}

op_pin () {
	rand 2 &&
	if test $r = 0
	then
		jvs -C "$R" history --all --format id >targets &&
		pick_line targets &&
		{ test -z "$p" || jvs -C "$R" pin add "$p" --reason "step $step" >/dev/null; }
	else
		jvs -C "$R" pin list -q >pins &&
		pick_line pins &&
		{ test -z "$p" || jvs -C "$R" pin remove "$p" >/dev/null; }
	fi
}

# gc_plan: plan = a plan id, cands = its candidate count.
gc_plan () {
	pick "--keep-last 3" "--keep-last 6" "--keep-tagged --keep-last 2" "" &&
	jvs -C "$R" gc plan $p --json >plan.json &&
	plan=$(python3 -c 'import json; print(json.load(open("plan.json"))["plan_id"])') &&
	cands=$(python3 -c 'import json; print(json.load(open("plan.json"))["candidate_count"])')
}

op_gc () {
	gc_plan &&
	jvs -C "$R" gc run --plan-id "$plan" >gc.out
}

# ---- injected crashes, resumed the normal way -------------------------------

crash_snapshot () {
	pick_wt && _p=$(wt_path "$wt") &&
	edit "$_p" && echo "crash $step" >"$_p/crash-$step" &&
	pick snapshot-after-intent snapshot-after-payload snapshot-after-descriptor-tmp \
		snapshot-after-payload-rename snapshot-after-ready snapshot-after-manifest \
		snapshot-after-descriptor snapshot-after-head &&
	echo "fault $p" &&
	JVS_FAULT=$p jvs -C "$_p" snapshot "crash $step" >out
	crashed $? &&
	! grep "Created snapshot" out &&
	healthy_after_repair
}

crash_restore () {
	pick_wt && _p=$(wt_path "$wt") &&
	rand 2 && { test $r = 0 || edit "$_p"; } &&
	restore_target &&
	if test -n "$p"
	then
		_t=$p &&
		pick restore-after-intent restore-after-checkout restore-after-head \
			snapshot-after-payload snapshot-after-descriptor &&
		echo "fault $p" &&
		_rc=0 && JVS_FAULT=$p jvs -C "$_p" restore "$_t" >out || _rc=$?
		_fired=1 &&
		case "$p,$_rc" in
		snapshot-*,0) _fired=0 ;; # the worktree was clean: no autosave, no fault
		*) crashed $_rc ;;
		esac &&
		jvs -C "$_p" restore "$_t" >out &&
		grep "^Restored $wt to $_t" out &&
		diff -r --no-dereference "$R/.jvs/snapshots/$_t" "$_p" &&
		# an interrupted restore is finished by the rerun alone; a crashed
		# autosave leaves its intent for doctor
		{ test $_fired = 0 || test "${p%%-*}" = restore || healthy_after_repair; }
	fi
}

crash_worktree () {
	pick fork create rename remove &&
	_op=$p &&
	case $_op in
	rename | remove)
		pick_wt nomain &&
		if test -z "$wt"
		then
			jvs -C "$R" worktree create w$step >/dev/null && wt=w$step && healthy
		fi ;;
	fork | create)
		few_worktrees || { pick_wt nomain && jvs -C "$R" worktree remove --force "$wt" >/dev/null && healthy; } ;;
	esac &&
	pick intent checkout rename &&
	case $_op in
	rename) pick intent payload config ;;
	remove) pick intent rename config ;;
	esac &&
	_point=$_op-after-$p &&
	echo "fault $_point" &&
	case $_op in
	fork)
		jvs -C "$R" history --all --format id >targets && pick_line targets &&
		JVS_FAULT=$_point jvs -C "$R" worktree fork "$p" x$step ;;
	create) JVS_FAULT=$_point jvs -C "$R" worktree create x$step ;;
	rename) JVS_FAULT=$_point jvs -C "$R" worktree rename "$wt" x$step ;;
	remove) JVS_FAULT=$_point jvs -C "$R" worktree remove --force "$wt" ;;
	esac >out
	crashed $? &&
	healthy_after_repair
}

crash_gc () {
	gc_plan &&
	if test "$cands" -gt 0
	then
		pick gc-after-mark gc-after-descriptor-delete gc-after-payload-delete &&
		echo "fault $p" &&
		JVS_FAULT=$p jvs -C "$R" gc run --plan-id "$plan" >out
		crashed $? &&
		rand 2 &&
		if test $r = 0
		then
			jvs -C "$R" gc run --plan-id "$plan" >out
		else
			jvs -C "$R" doctor --repair resume_gc >out &&
			grep "^repaired	gc run of plan $plan" out
		fi
	else
		jvs -C "$R" gc run --plan-id "$plan" >out
	fi
}

healthy_after_repair () {
	jvs -C "$R" doctor --repair-runtime >repair.out &&
	grep "^repaired	" repair.out &&
	tail -n 1 repair.out | grep -x "Repository is healthy"
}

# ---- the run ----------------------------------------------------------------

test_expect_success 'setup' '
	jvs init repo >/dev/null &&
	mkdir -p repo/main/d0 repo/main/empty0 &&
	echo first >repo/main/d0/f0 &&
	ln -s d0/f0 repo/main/l0 &&
	jvs -C repo/main snapshot -q first --tag base >created.ids &&
	healthy
'

OPS='snapshot snapshot snapshot snapshot restore restore restore_head discard
	autosave fork create rename remove pin pin gc
	crash_snapshot crash_restore crash_worktree crash_gc'

step=1
while test $step -le $STEPS
do
	pick $OPS
	op=$p
	case $op in
	crash_*) fn=$op ;;
	*) fn=op_$op ;;
	esac
	test_expect_success "step $step: $op, then doctor --strict is healthy" '
		'$fn' &&
		healthy &&
		nothing_lost &&
		if test $((step % 10)) = 0
		then
			verify_all
		fi
	'
	step=$((step + 1))
done

test_expect_success 'at the end: verify --all passes, nothing lost, no leftovers' '
	verify_all &&
	nothing_lost &&
	{ find "$R" -name "*.tmp" -o -name "*.tmp.*" -o -name ".jvs-tmp-*"
	  find "$R/.jvs/intents" "$R/.jvs/tmp" -mindepth 1; } >leftovers &&
	test_must_fail test -s leftovers &&
	jvs -C "$R" history --all --format id >ids &&
	test -s ids
'

test_done
