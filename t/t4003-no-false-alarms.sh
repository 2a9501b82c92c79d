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
STEPS=${JVS_TEST_STEPS:-90}
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
	jvs-worktree-list -C "$R" -q
}

wt_path () {
	jvs-worktree-path -C "$R" "$1"
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
	jvs-doctor -C "$R" --strict >doctor.out &&
	echo "Repository is healthy" >doctor.expect &&
	test_cmp doctor.expect doctor.out
}

verify_all () {
	jvs-verify -C "$R" --all >verify.out &&
	! grep -v "^OK " verify.out
}

# nothing_lost: each id reported by "Created snapshot" is still there, or
# was deleted by a gc run (it has a tombstone marked deleted).
nothing_lost () {
	jvs-history -C "$R" --all --format id >all.ids &&
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
	jvs-doctor -C "$R" >crash.doctor
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
		jvs-snapshot -C "$_p" "step $step" --tag t$step >snap.out
	else
		jvs-snapshot -C "$_p" "step $step" >snap.out
	fi &&
	sed -n "s/^Created snapshot \([0-9a-f-]*\).*/\1/p" snap.out >>created.ids &&
	grep "^Created snapshot" snap.out
}

# restore_target: p = a snapshot to restore in $wt (its line, or any).
restore_target () {
	rand 3 &&
	if test $r = 0
	then
		jvs-history -C "$R" --all --format id >targets
	else
		jvs-history -C "$(wt_path "$wt")" --format id >targets 2>/dev/null || : >targets
	fi &&
	pick_line targets
}

op_restore () {
	pick_wt && _p=$(wt_path "$wt") &&
	rand 2 && { test $r = 0 || edit "$_p"; } &&
	restore_target &&
	if test -n "$p"
	then
		jvs-restore -C "$_p" "$p" >restore.out &&
		grep "^Restored $wt to $p" restore.out &&
		diff -r --no-dereference "$R/.jvs/snapshots/$p" "$_p"
	fi
}

op_restore_head () {
	pick_wt && _p=$(wt_path "$wt") &&
	if test -n "$(wt_field "$wt" latest_snapshot_id)"
	then
		jvs-restore -C "$_p" HEAD >restore.out &&
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
		n=$(jvs-history -C "$R" --all --format id | wc -l) &&
		jvs-restore -C "$_p" --discard "$p" >/dev/null &&
		test "$(jvs-history -C "$R" --all --format id | wc -l)" = "$n" &&
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
		jvs-restore -C "$_p" "$p" >restore.out 2>&1 &&
		_a=$(jvs-history -C "$R" --all --tag autosave --format id | head -n 1) &&
		test "$(cat "$R/.jvs/snapshots/$_a/unsaved-$step")" = "unsaved $step"
	fi
}

few_worktrees () {
	test $(worktrees | wc -l) -lt 4
}

op_fork () {
	if few_worktrees
	then
		jvs-history -C "$R" --all --format id >targets &&
		pick_line targets &&
		if test -n "$p"
		then
			jvs-worktree-fork -C "$R" "$p" w$step >out &&
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
		jvs-worktree-create -C "$R" w$step >out &&
		grep "Created worktree w$step" out
	else
		op_remove
	fi
}

op_rename () {
	pick_wt nomain &&
	if test -n "$wt"
	then
		jvs-worktree-rename -C "$R" "$wt" r$step >out &&
		grep "Renamed worktree $wt to r$step" out
	fi
}

op_remove () {
	pick_wt nomain &&
	if test -n "$wt"
	then
		rand 2 && { test $r = 0 || edit "$(wt_path "$wt")"; } &&
		jvs-worktree-remove -C "$R" --force "$wt" >out &&
		grep "Removed worktree $wt" out
	fi
}

op_pin () {
	rand 2 &&
	if test $r = 0
	then
		jvs-history -C "$R" --all --format id >targets &&
		pick_line targets &&
		{ test -z "$p" || jvs-pin-add -C "$R" "$p" --reason "step $step" >/dev/null; }
	else
		jvs-pin-list -C "$R" -q >pins &&
		pick_line pins &&
		{ test -z "$p" || jvs-pin-remove -C "$R" "$p" >/dev/null; }
	fi
}

# gc_plan: plan = a plan id, cands = its candidate count.
gc_plan () {
	pick "--keep-last 3" "--keep-last 6" "--keep-tagged --keep-last 2" "" &&
	jvs-gc-plan -C "$R" $p --json >plan.json &&
	plan=$(python3 -c 'import json; print(json.load(open("plan.json"))["plan_id"])') &&
	cands=$(python3 -c 'import json; print(json.load(open("plan.json"))["candidate_count"])')
}

op_gc () {
	gc_plan &&
	jvs-gc-run -C "$R" --plan-id "$plan" >gc.out
}

# ---- injected crashes, resumed the normal way -------------------------------

crash_snapshot () {
	pick_wt && _p=$(wt_path "$wt") &&
	edit "$_p" && echo "crash $step" >"$_p/crash-$step" &&
	pick snapshot-after-intent snapshot-after-payload snapshot-after-descriptor-tmp \
		snapshot-after-payload-rename snapshot-after-ready snapshot-after-manifest \
		snapshot-after-descriptor snapshot-after-head &&
	echo "fault $p" &&
	JVS_FAULT=$p jvs-snapshot -C "$_p" "crash $step" >out
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
		_rc=0 && JVS_FAULT=$p jvs-restore -C "$_p" "$_t" >out || _rc=$?
		_fired=1 &&
		case "$p,$_rc" in
		snapshot-*,0) _fired=0 ;; # the worktree was clean: no autosave, no fault
		*) crashed $_rc ;;
		esac &&
		jvs-restore -C "$_p" "$_t" >out &&
		grep "^Restored $wt to $_t" out &&
		diff -r --no-dereference "$R/.jvs/snapshots/$_t" "$_p" &&
		# an interrupted restore is finished by the rerun alone, and so is a
		# crashed autosave (the rerun finishes the worktree's snapshot
		# intents first): nothing is left for doctor
		{ test $_fired = 0 || healthy; }
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
			jvs-worktree-create -C "$R" w$step >/dev/null && wt=w$step && healthy
		fi ;;
	fork | create)
		few_worktrees || { pick_wt nomain && jvs-worktree-remove -C "$R" --force "$wt" >/dev/null && healthy; } ;;
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
		jvs-history -C "$R" --all --format id >targets && pick_line targets &&
		JVS_FAULT=$_point jvs-worktree-fork -C "$R" "$p" x$step ;;
	create) JVS_FAULT=$_point jvs-worktree-create -C "$R" x$step ;;
	rename) JVS_FAULT=$_point jvs-worktree-rename -C "$R" "$wt" x$step ;;
	remove) JVS_FAULT=$_point jvs-worktree-remove -C "$R" --force "$wt" ;;
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
		JVS_FAULT=$p jvs-gc-run -C "$R" --plan-id "$plan" >out
		crashed $? &&
		rand 2 &&
		if test $r = 0
		then
			jvs-gc-run -C "$R" --plan-id "$plan" >out
		else
			jvs-doctor -C "$R" --repair resume_gc >out &&
			grep "^repaired	gc run of plan $plan" out
		fi
	else
		jvs-gc-run -C "$R" --plan-id "$plan" >out
	fi
}

healthy_after_repair () {
	jvs-doctor -C "$R" --repair-runtime >repair.out &&
	grep "^repaired	" repair.out &&
	tail -n 1 repair.out | grep -x "Repository is healthy"
}

# ---- situations a cron job meets ---------------------------------------------

test_expect_success 'an operation still running is not a finding' '
	jvs-init live >/dev/null &&
	echo a >live/main/a &&
	jvs-snapshot -C live/main -q one >/dev/null &&
	{ sleep 30 & } &&
	pid=$! &&
	test_when_finished "kill $pid 2>/dev/null; :" &&
	id=1999999999999-0123abcd &&
	host=$(python3 -c "import socket; print(socket.gethostname())") &&
	printf "{\"operation\": \"snapshot\", \"snapshot_id\": \"%s\", \"worktree\": \"main\", \"parent_id\": null, \"pid\": %d, \"host\": \"%s\"}\n" \
		$id $pid "$host" >live/.jvs/intents/snapshot-$id.json &&
	mkdir live/.jvs/snapshots/$id &&
	echo a >live/.jvs/snapshots/$id/a &&
	echo "{}" >live/.jvs/snapshots/$id.READY &&
	echo x >live/.jvs/manifests/$id.tmp &&
	echo scratch >live/.jvs/tmp/restore-staging &&
	jvs-doctor -C live --strict >out &&
	echo "Repository is healthy" >expect &&
	test_cmp expect out &&
	jvs-verify -C live --all >out &&
	! grep -v "^OK " out &&
	kill $pid &&
	_rc=0 && { wait $pid || _rc=$?; } && test $_rc = 143 &&
	jvs-doctor -C live >out &&
	grep "^warning	stale_intent	" out &&
	jvs-doctor -C live --repair-runtime >out &&
	tail -n 1 out | grep -x "Repository is healthy" &&
	test_path_is_missing live/.jvs/snapshots/$id &&
	test_path_is_missing live/.jvs/snapshots/$id.READY
'

test_expect_success 'a worktree name used again is not behind its old namesake' '
	jvs-init names >/dev/null &&
	echo 1 >names/main/f &&
	jvs-snapshot -C names/main -q s0 >/dev/null &&
	jvs-worktree-fork -C names/main w >/dev/null &&
	echo a >names/worktrees/w/a &&
	A=$(jvs-snapshot -C names/worktrees/w -q A) &&
	echo b >names/worktrees/w/b &&
	jvs-snapshot -C names/worktrees/w -q B >/dev/null &&
	jvs-worktree-remove -C names --force w >/dev/null &&
	jvs-worktree-fork -C names $A w >/dev/null &&
	jvs-doctor -C names --strict >out &&
	echo "Repository is healthy" >expect &&
	test_cmp expect out &&
	jvs-worktree-rename -C names w v >/dev/null &&
	jvs-worktree-fork -C names $A w >/dev/null &&
	jvs-doctor -C names --strict >out &&
	test_cmp expect out
'

test_expect_success 'an index busy with another process is not a corrupt one' '
	jvs-verify -C names --all >/dev/null &&
	test -f names/.jvs/index.sqlite &&
	{ python3 -c "
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute(\"BEGIN EXCLUSIVE\")
open(sys.argv[2], \"w\").close()
time.sleep(1.5)
db.execute(\"COMMIT\")
" names/.jvs/index.sqlite locked & } &&
	holder=$! &&
	while ! test -f locked; do sleep 0.05; done &&
	jvs-doctor -C names --strict >out;
	rc=$? &&
	wait $holder &&
	test $rc = 0 &&
	echo "Repository is healthy" >expect &&
	test_cmp expect out
'

test_expect_success 'a crash between an audit record and its anchor is no alarm' '
	jvs-init anchor >/dev/null &&
	echo a >anchor/main/a &&
	jvs-snapshot -C anchor/main -q one >/dev/null &&
	cp anchor/.jvs/audit/audit.head head.before &&
	echo b >anchor/main/b &&
	jvs-snapshot -C anchor/main -q two >/dev/null &&
	: the process died after appending the record, before audit.head &&
	cp head.before anchor/.jvs/audit/audit.head &&
	jvs-doctor -C anchor --strict >out &&
	echo "Repository is healthy" >expect &&
	test_cmp expect out &&
	jvs-verify -C anchor --all >out &&
	! grep -v "^OK " out &&
	echo c >anchor/main/c &&
	jvs-snapshot -C anchor/main -q three >/dev/null &&
	jvs-doctor -C anchor --strict >out &&
	test_cmp expect out &&
	jvs-verify -C anchor --all >out &&
	! grep -v "^OK " out &&
	: but dropping the last record is still found &&
	n=$(wc -l <anchor/.jvs/audit/audit.jsonl) &&
	head -n $((n - 1)) anchor/.jvs/audit/audit.jsonl >log &&
	cp log anchor/.jvs/audit/audit.jsonl &&
	test_must_fail --exit=4 jvs-verify -C anchor --all >out &&
	grep "^FAIL audit E_AUDIT_CHAIN_BROKEN " out
'

# strace -P PATH -e inject=all:delay_enter=US stalls the traced program
# whenever it touches PATH: a way to let another command run at an exact
# point of it. LeakSanitizer cannot run under ptrace, so a sanitizer build
# is traced with leak checking off (the other tests still check leaks).
STRACE_ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
if strace -f -qq -o /dev/null -e inject=all:delay_enter=1 true 2>/dev/null
then
	test_set_prereq STRACE
fi

# stall PROG REPO PATH ARGS: jvs-PROG -C REPO ARGS in the background,
# stalled for two seconds at each access to REPO/PATH (only at its Nth
# opening when STALL_OPEN=N is set before; stall clears it); its output goes
# to PROG.race, its exit status to PROG.race.rc.
stall () {
	_prog=$1 _repo=$2 _path=$3 && shift 3 &&
	_spec=all:delay_enter=2000000 &&
	if [ -n "${STALL_OPEN:-}" ]; then _spec=openat:delay_enter=2000000:when=$STALL_OPEN; fi &&
	STALL_OPEN= &&
	rm -f $_prog.race.rc &&
	{
		ASAN_OPTIONS=$STRACE_ASAN_OPTIONS \
		strace -f -qq -o /dev/null -P "$_repo/$_path" \
			-e inject=$_spec \
			jvs-$_prog -C "$_repo" "$@" >$_prog.race 2>$_prog.race.err
		echo $? >$_prog.race.rc
	} &
	race_pid=$! &&
	sleep 0.5
}

# race_repo: snapshots old (pinned), doomed, keep; plan = a gc plan that
# deletes doomed only.
race_repo () {
	rm -rf race &&
	jvs-init race >/dev/null &&
	echo a >race/main/a && A=$(jvs-snapshot -C race/main -q old) &&
	echo b >race/main/a && C=$(jvs-snapshot -C race/main -q doomed) &&
	echo c >race/main/a && K=$(jvs-snapshot -C race/main -q keep) &&
	jvs-pin-add -C race $A >/dev/null &&
	plan=$(jvs-gc-plan -C race --keep-last 1 -q)
}

# verify_beside_gc PATH [N]: verify --all stalled at race/PATH (at its Nth
# opening only, with N) while gc deletes the doomed snapshot: no alarm, and
# just the other snapshots listed.
verify_beside_gc () {
	STALL_OPEN=${2:-} &&
	stall verify "$PWD/race" "$1" --all &&
	jvs-gc-run -C race --plan-id $plan >out &&
	grep "^Deleted snapshot $C" out &&
	wait $race_pid &&
	test "$(cat verify.race.rc)" = 0 &&
	printf "OK %s\nOK %s\nOK audit chain\n" $A $K >expect &&
	test_cmp expect verify.race
}

test_expect_success STRACE 'a snapshot gc deletes while verify --all runs is no alarm' '
	race_repo &&
	: verify lists the snapshots, then stalls before reading the doomed one &&
	verify_beside_gc .jvs/descriptors/$C.json
'

test_expect_success STRACE 'a snapshot gc deletes while verify checks it is no alarm' '
	race_repo &&
	: verify has read the descriptor, stalls before the manifest &&
	verify_beside_gc .jvs/manifests/$C
'

test_expect_success STRACE 'a snapshot gc deletes between verify checking its manifest and comparing it is no alarm' '
	race_repo &&
	: verify has checked the manifest and scanned the payload, and stalls &&
	: opening the manifest again to compare the two. Manifests are opened &&
	: relative to a descriptor of their directory, which is what strace -P &&
	: matches: the 4th opening there is the second of C, after two of A &&
	verify_beside_gc .jvs/manifests 4
'

test_expect_success STRACE 'doctor --strict while gc deletes a snapshot it checks is no alarm' '
	race_repo &&
	: doctor has listed the snapshots, stalls before the manifest &&
	stall doctor "$PWD/race" .jvs/manifests/$C --strict &&
	jvs-gc-run -C race --plan-id $plan >out &&
	grep "^Deleted snapshot $C" out &&
	wait $race_pid &&
	echo "Repository is healthy" >expect &&
	test_cmp expect doctor.race &&
	test "$(cat doctor.race.rc)" = 0
'

test_expect_success STRACE 'doctor while gc deletes a descriptor it is reading is no alarm' '
	race_repo &&
	: doctor has listed the descriptors, stalls before reading one &&
	JVS_NO_CACHE=1 && export JVS_NO_CACHE &&
	stall doctor "$PWD/race" .jvs/descriptors/$C.json --strict &&
	unset JVS_NO_CACHE &&
	jvs-gc-run -C race --plan-id $plan >out &&
	grep "^Deleted snapshot $C" out &&
	wait $race_pid &&
	echo "Repository is healthy" >expect &&
	test_cmp expect doctor.race &&
	test "$(cat doctor.race.rc)" = 0
'

test_expect_success STRACE 'doctor while a snapshot is published beside it is no alarm' '
	race_repo &&
	: doctor has read the catalogue, stalls before the worktree config &&
	stall doctor "$PWD/race" .jvs/worktrees/main/config.json --strict &&
	echo d >race/main/a &&
	jvs-snapshot -C race/main -q new >/dev/null &&
	wait $race_pid &&
	echo "Repository is healthy" >expect &&
	test_cmp expect doctor.race &&
	test "$(cat doctor.race.rc)" = 0
'

# ---- the run ----------------------------------------------------------------

test_expect_success 'setup' '
	jvs-init repo >/dev/null &&
	mkdir -p repo/main/d0 repo/main/empty0 &&
	echo first >repo/main/d0/f0 &&
	ln -s d0/f0 repo/main/l0 &&
	jvs-snapshot -C repo/main -q first --tag base >created.ids &&
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
	{ find "$R" -name "*.tmp" -o -name "*.tmp.*" -o -name ".jvs-tmp-*" &&
	  find "$R/.jvs/intents" "$R/.jvs/tmp" -mindepth 1; } >leftovers &&
	test_must_fail test -s leftovers &&
	jvs-history -C "$R" --all --format id >ids &&
	test -s ids
'

test_done
