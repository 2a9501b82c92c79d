#!/bin/sh

test_description='load: many processes on one repository at once

Parallel workers snapshot, restore, fork, remove worktrees, list history,
verify and plan and run gc (--keep-last 200, in short windows during which
the snapshotters hold off new snapshots, which would make every plan stale)
on one repository for a bounded
time (JVS_STRESS_SECONDS, default 20; `make stress` runs 300). Every
command, its exit code and output is logged. Afterwards: every snapshot a
command reported creating is still listed by history --all (unless a gc
plan that was run named it), doctor --strict finds the repository healthy,
verify --all passes, and every failure was a clear E_LOCKED, E_DIRTY or
E_GC_PLAN_MISMATCH (exit 5).'

. "$(dirname "$0")/test-lib.sh"

seconds=${JVS_STRESS_SECONDS:-20}
logs=$TRASH_DIRECTORY/logs

# run WORKER CMD...: runs one command, logging exit code and output.
run () {
	w_=$1 && shift &&
	n_=$(( $(cat "$logs/$w_.n") + 1 )) &&
	echo $n_ >"$logs/$w_.n" &&
	"$@" >"$logs/$w_.$n_.out" 2>"$logs/$w_.$n_.err"
	rc_=$?
	echo "$rc_	$*" >>"$logs/$w_.cmds"
	echo "$w_.$n_	$rc_	$*" >>"$logs/all"
	return $rc_
}

# snapshotter WT: edits files in worktree WT, snapshots, restores old ones.
snapshotter () {
	w=snap-$1 && echo 0 >"$logs/$w.n" && i=0 &&
	while [ "$(date +%s)" -lt "$end" ]; do
		# new snapshots make any gc plan stale: hold off while gc runs
		while [ -f "$logs/gc-window" ]; do sleep 0.05; done
		i=$((i + 1))
		dir=r/main
		[ "$1" = main ] || dir=r/worktrees/$1
		if [ -d "$dir" ]; then
			echo "$w $i" >>"$dir/log.txt"
			mkdir -p "$dir/sub$((i % 3))" && echo "$i" >"$dir/sub$((i % 3))/f$((i % 5))"
		fi
		run $w jvs -C r -w "$1" snapshot -q --wait=2 "$w $i"
		if [ $((i % 4)) = 0 ]; then
			run $w jvs -C r -w "$1" history
			old=$(awk "NR == 3 {print \$1}" "$logs/$w.$(cat "$logs/$w.n").out")
			[ -n "$old" ] && run $w jvs -C r -w "$1" restore --wait=2 "$old"
			run $w jvs -C r -w "$1" restore --wait=2 HEAD
		fi
	done
}

reader () {
	w=read && echo 0 >"$logs/$w.n" &&
	while [ "$(date +%s)" -lt "$end" ]; do
		run $w jvs -C r history --all
		run $w jvs -C r verify --all
		run $w jvs -C r worktree list
		run $w jvs -C r -w main status
	done
}

forker () {
	w=fork && echo 0 >"$logs/$w.n" && i=0 &&
	while [ "$(date +%s)" -lt "$end" ]; do
		i=$((i + 1))
		run $w jvs -C r -w main worktree fork --wait=2 "f$i"
		run $w jvs -C r worktree remove --force --wait=2 "f$i"
	done
}

gcer () {
	w=gc && echo 0 >"$logs/$w.n" && i=0 &&
	while [ "$(date +%s)" -lt "$end" ]; do
		i=$((i + 1))
		# A plan made stale by a snapshot taken meanwhile is refused
		# (E_GC_PLAN_MISMATCH, as designed), and with three snapshotters
		# that is every plan: they hold off new snapshots during a gc
		# window (readers, forks and restores go on), and a round tries
		# a few times in a row.
		: >"$logs/gc-window"
		sleep 0.3
		try=0
		while [ $try -lt 10 ] && [ "$(date +%s)" -lt "$end" ]; do
			try=$((try + 1))
			# keep-last: old snapshots really go while the others work
			# (the default policy keeps everything younger than a day);
			# the window is far wider than the snapshots made between a
			# restorer reading history and restoring what it read
			run $w jvs -C r gc plan --keep-last 200 --json || continue
			plan=$logs/$w.$(cat "$logs/$w.n").out
			pid=$(sed -n "s/^ *\"plan_id\": \"\([0-9a-f]*\)\".*/\1/p" "$plan")
			if run $w jvs -C r gc run --wait=2 --plan-id "$pid"; then
				awk "/\"candidates\": \\[\\]/ {next} /\"candidates\"/ {f = 1; next}
				     f && /\\]/ {f = 0} f" "$plan" |
					grep -o "[0-9]\{13\}-[0-9a-f]\{8\}" >>"$logs/gc-deleted"
				break
			fi
		done
		rm -f "$logs/gc-window"
		sleep 1
	done
}

test_expect_success 'setup: a repository with three worktrees' '
	mkdir "$logs" &&
	jvs init r >/dev/null &&
	echo hello >r/main/hello &&
	(cd r/main && jvs snapshot -q base) >id0 &&
	jvs -C r worktree fork "$(cat id0)" w1 >/dev/null &&
	jvs -C r worktree fork "$(cat id0)" w2 >/dev/null
'

test_expect_success "$seconds seconds of parallel load" '
	start=$(date +%s) &&
	end=$((start + seconds)) &&
	{ snapshotter main & snapshotter w1 & snapshotter w2 & reader & forker & gcer &
	  wait; } &&
	stop=$(date +%s) &&
	ops=$(wc -l <"$logs/all") &&
	elapsed=$((stop - start)) &&
	[ "$elapsed" -gt 0 ] || elapsed=1 &&
	fails=$(awk -F "	" "\$2 != 0" "$logs/all" | wc -l) &&
	echo "$ops $elapsed $fails" >stats &&
	test "$ops" -gt 20
'

test_expect_success 'every failure was a clear E_LOCKED, E_DIRTY or E_GC_PLAN_MISMATCH' '
	awk -F "	" "\$2 != 0 {print \$1, \$2}" "$logs/all" >failed &&
	bad=0 &&
	while read cmd rc; do
		err=$logs/$cmd.err
		case $rc in
		5) grep -E "E_LOCKED|E_DIRTY|E_GC_PLAN_MISMATCH" "$err" >/dev/null || {
			echo "exit 5 without a clear class: $cmd" && cat "$err"; bad=1; } ;;
		*) bad=1 && echo "unexpected exit $rc: $(grep "^$cmd	" "$logs/all")" &&
		   cat "$logs/$cmd.out" "$err" ;;
		esac
	done <failed &&
	test $bad = 0
'

test_expect_success 'every snapshot reported created is still in history' '
	cat "$logs"/*.out "$logs"/*.err 2>/dev/null |
		sed -n -e "s/.*Created snapshot \([0-9]\{13\}-[0-9a-f]\{8\}\).*/\1/p" \
		       -e "s/.*Saved unsnapshotted changes as \([0-9]\{13\}-[0-9a-f]\{8\}\).*/\1/p" \
		       >created &&
	for f in "$logs"/snap-*.out; do
		test -e "$f" || continue
		sed -n "/^[0-9]\{13\}-[0-9a-f]\{8\}\$/p" "$f" || return 1
	done >>created &&
	sort -u created >created.sorted &&
	touch "$logs/gc-deleted" &&
	sort -u "$logs/gc-deleted" >deleted &&
	comm -23 created.sorted deleted >must-exist &&
	jvs -C r history --all --format id >hist &&
	missing=0 &&
	while read id; do
		grep "$id" hist >/dev/null || { echo "missing: $id"; missing=1; }
	done <must-exist &&
	test $missing = 0 &&
	echo "$(wc -l <created.sorted) $(wc -l <deleted)" >created.stats &&
	test "$(wc -l <created.sorted)" -gt 0
'

test_expect_success 'doctor --strict is healthy and verify --all passes' '
	jvs -C r doctor --strict >out &&
	grep "Repository is healthy" out &&
	jvs -C r verify --all >out &&
	! grep TAMPERED out
'

# The figures, as TAP comments (shown by `make stress`, which runs prove -v).
if test -s stats && test -s created.stats; then
	read ops elapsed fails <stats
	read created deleted <created.stats
	echo "# $ops commands in ${elapsed}s ($((ops / elapsed)) ops/s), $fails refused;" \
		"$created snapshots created, $deleted collected by gc, none lost"
fi

test_done
