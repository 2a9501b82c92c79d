#!/bin/sh

test_description='EXAMPLES.md Example 3: cron backups, cross-machine backup and migration, disaster recovery'

. "$(dirname "$0")/test-lib.sh"
. "$jvs_root/t/lib-examples.sh"

T=$TRASH_DIRECTORY
R=$T/production/workspace/critical-app
N=$T/new/location/critical-app
B=$T/backup/location/critical-app
ID_RE='[0-9]\{13\}-[0-9a-f]\{8\}'

# same_as REPO DIR ID: DIR holds exactly snapshot ID's files
same_as () {
	diff -r --no-dereference "$1/.jvs/snapshots/$3" "$2" &&
	(cd "$1/.jvs/snapshots/$3" && find . -mindepth 1 -printf "%p %y %m %T@ %l\n" | LC_ALL=C sort) >"$T/same.expect" &&
	(cd "$2" && find . -mindepth 1 -printf "%p %y %m %T@ %l\n" | LC_ALL=C sort) >"$T/same.actual" &&
	test_cmp "$T/same.expect" "$T/same.actual"
}

# desc REPO ID KEY
desc () {
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
		"$1/.jvs/descriptors/$2.json" "$3"
}

# healthy: doctor --strict has no findings, verify --all is all OK (run in a repo)
healthy () {
	jvs doctor --strict >"$T/doctor.out" &&
	test "$(cat "$T/doctor.out")" = "Repository is healthy" &&
	jvs verify --all >"$T/verify.out" &&
	_root=$(jvs info --json | python3 -c "import json,sys; print(json.load(sys.stdin)[\"repo_root\"])") &&
	ls "$_root/.jvs/descriptors" | sed "s/\.json\$//" | LC_ALL=C sort >"$T/verify.expect" &&
	sed -n "s/^OK \($ID_RE\)\$/\1/p" "$T/verify.out" | LC_ALL=C sort >"$T/verify.actual" &&
	test_cmp "$T/verify.expect" "$T/verify.actual" &&
	grep "^OK audit chain\$" "$T/verify.out" &&
	! grep "FAIL\|TAMPERED" "$T/verify.out"
}

# The observable state of a repository, run from its root.
repo_state () {
	jvs history --all --format tsv &&
	jvs history -w main &&
	jvs history -w reports &&
	jvs worktree list
}

# A `date` that tells the time of the simulated cron run (FAKE_NOW, epoch s).
mkdir fakebin
real_date=$(command -v date)
cat >fakebin/date <<EOF
#!/bin/sh
if test -n "\$FAKE_NOW"; then exec $real_date -u -d "@\$FAKE_NOW" "\$@"; fi
exec $real_date "\$@"
EOF
chmod 755 fakebin/date
PATH=$T/fakebin:$PATH

# The crontab lines of the example, with /production under the trash dir.
daily_job='cd /production/workspace/critical-app/main && jvs snapshot "Daily backup $(date +%Y-%m-%d)" --tag daily'
weekly_job='cd /production/workspace/critical-app/main && jvs snapshot "Weekly backup $(date +%Y-%m-%d)" --tag weekly'

# cron JOB DAY [SECONDS]: run a crontab line at 2024-03-DAY 02:00:SECONDS
# UTC; the new id goes to DAY.id (or DAY.weekly.id)
cron () {
	_t=$($real_date -u -d "2024-03-$2T02:00:${3:-00}Z" +%s) &&
	_cmd=$(printf "%s" "$1" | sed "s|/production|$T/production|") &&
	FAKE_NOW=$_t JVS_TEST_NOW_MS=${_t}000 sh -c "$_cmd" >"$T/cron.out" 2>"$T/cron.err" &&
	created_id "$T/cron.out"
}

# the application writes its data for DAY
app_writes () {
	(cd "$R/main" &&
	 echo "orders up to day $1" >db/orders.csv &&
	 seq 1 $((100 * ${1#0})) >db/ledger.txt &&
	 echo "day $1" >>logs/app.log)
}

test_expect_success 'Regular backups: init critical-app; cron daily and weekly snapshots' '
	mkdir -p production/workspace &&
	# Initialize on production server
	cd production/workspace &&
	jvs init critical-app >"$T/out" &&
	grep "^Initialized JVS repository in $R\$" "$T/out" &&
	cd critical-app/main &&
	mkdir db logs bin &&
	printf "#!/bin/sh\necho serving\n" >bin/serve && chmod 750 bin/serve &&
	ln -s db/orders.csv current &&
	head -c 65536 /dev/urandom >db/blob.bin &&
	for day in 01 02 03 04 05; do
		app_writes $day &&
		cron "$daily_job" $day >"$T/$day.id" &&
		test -s "$T/$day.id" || return 1
		if test $day = 03
		then
			cron "$weekly_job" $day 05 >"$T/$day.weekly.id" || return 1
		fi
	done &&
	test "$(desc "$R" $(cat "$T/03.id") note)" = "Daily backup 2024-03-03" &&
	test "$(desc "$R" $(cat "$T/03.weekly.id") note)" = "Weekly backup 2024-03-03" &&
	jvs history --tag daily --format id >"$T/ids" &&
	cat "$T/05.id" "$T/04.id" "$T/03.id" "$T/02.id" "$T/01.id" >"$T/expect" &&
	test_cmp "$T/expect" "$T/ids" &&
	jvs history --tag weekly --format id >"$T/ids" &&
	test_cmp "$T/03.weekly.id" "$T/ids"
'

test_expect_success 'a second worktree for reports' '
	cd production/workspace/critical-app/main &&
	jvs worktree fork weekly reports >"$T/out" &&
	grep "^Created worktree reports at $(cat "$T/03.weekly.id")\$" "$T/out" &&
	cd ../worktrees/reports &&
	echo "weekly report" >report.txt &&
	jvs snapshot "Report for week 9" --tag report >"$T/out" &&
	created_id "$T/out" >"$T/report.id" &&
	test -s "$T/report.id" &&
	cd ../../main &&
	healthy &&
	test -f "$R/.jvs/index.sqlite"
'

test_expect_success 'Cross-machine backup: .jvs/ without intents/ and index.sqlite' '
	# juicefs sync .jvs/ /backup/location/critical-app/.jvs/ --exclude ...
	mkdir -p "$B" &&
	(cd "$R" && tar -cf - --exclude=.jvs/intents --exclude=.jvs/index.sqlite .jvs) |
	(cd "$B" && tar -xf -) &&
	test_path_is_dir "$B/.jvs/snapshots" &&
	test_path_is_file "$B/.jvs/format_version" &&
	test_path_is_missing "$B/.jvs/intents" &&
	test_path_is_missing "$B/.jvs/index.sqlite" &&
	test_path_is_missing "$B/main" &&
	(cd "$R" && repo_state) >"$T/state.before" &&
	grep "^$(cat "$T/05.id")	" "$T/state.before"
'

test_expect_success 'Restore on a different machine: payload roots + .jvs/, doctor --repair-runtime, verify' '
	# 1. Mount JuiceFS at new location (the payload roots come with it)
	mkdir -p "$N" &&
	cp -a "$R/main" "$R/worktrees" "$N/" &&
	# 2. Copy .jvs/ metadata
	(cd "$B" && tar -cf - .jvs) | (cd "$N" && tar -xf -) &&
	# the old machine is gone
	mv production production.offline &&
	test_when_finished "mv \"$T/production.offline\" \"$T/production\"" &&
	# 3. Rebuild index and repair
	cd new/location/critical-app &&
	jvs doctor --strict --repair-runtime >"$T/out" &&
	grep "^Repository is healthy\$" "$T/out" &&
	test_path_is_dir .jvs/intents &&
	jvs verify --all >"$T/out" &&
	ls .jvs/descriptors | sed "s/\.json\$//" | LC_ALL=C sort >"$T/expect" &&
	sed -n "s/^OK \($ID_RE\)\$/\1/p" "$T/out" | LC_ALL=C sort >"$T/actual" &&
	test_cmp "$T/expect" "$T/actual" &&
	test_line_count = 7 "$T/actual" &&
	grep "^OK audit chain\$" "$T/out" &&
	healthy &&
	repo_state >"$T/state.new" &&
	test_cmp "$T/state.before" "$T/state.new"
'

test_expect_success 'the migrated repository works: status, restore, snapshot, fork' '
	cd new/location/critical-app/main &&
	d05=$(cat "$T/05.id") && d02=$(cat "$T/02.id") &&
	jvs status -q &&
	(cd ../worktrees/reports && jvs status -q) &&
	jvs restore "Daily backup 2024-03-02" >"$T/out" &&
	grep "^Restored main to $d02 (Daily backup 2024-03-02)\$" "$T/out" &&
	grep "^DETACHED" "$T/out" &&
	same_as "$N" . $d02 &&
	jvs restore HEAD >"$T/out" &&
	grep "HEAD state" "$T/out" &&
	same_as "$N" . $d05 &&
	echo "new machine" >>logs/app.log &&
	jvs snapshot "first on the new machine" >"$T/out" &&
	new=$(created_id "$T/out") &&
	test "$(desc "$N" $new parent_id)" = $d05 &&
	jvs worktree fork scratch >"$T/out" &&
	grep "^Created worktree scratch at $new\$" "$T/out" &&
	healthy &&
	# the original did not see any of it
	(cd "$R" && repo_state) >"$T/state.orig" &&
	test_cmp "$T/state.before" "$T/state.orig"
'

test_expect_success 'a backup taken while a cron snapshot was in flight restores too' '
	for point in snapshot-after-intent snapshot-after-payload \
		snapshot-after-descriptor-tmp snapshot-after-payload-rename \
		snapshot-after-ready snapshot-after-manifest \
		snapshot-after-descriptor snapshot-after-head
	do
		rm -rf "$T/live" "$T/copy" "$T/bk" &&
		cp -a "$R" "$T/live" &&
		echo "in flight" >>"$T/live/main/logs/app.log" &&
		(cd "$T/live/main" &&
		 JVS_FAULT=$point test_must_fail --exit=99 jvs snapshot "Daily backup in flight" --tag daily) &&
		mkdir "$T/bk" "$T/copy" &&
		(cd "$T/live" && tar -cf - --exclude=.jvs/intents --exclude=.jvs/index.sqlite .jvs) |
		(cd "$T/bk" && tar -xf -) &&
		cp -a "$T/live/main" "$T/live/worktrees" "$T/copy/" &&
		(cd "$T/bk" && tar -cf - .jvs) | (cd "$T/copy" && tar -xf -) &&
		(cd "$T/copy" && jvs doctor --strict --repair-runtime) >"$T/out" &&
		if grep "head_behind" "$T/out"
		then
			# the snapshot was published but head not yet moved
			test $point = snapshot-after-descriptor &&
			(cd "$T/copy" && jvs doctor --strict --repair advance_head) >"$T/out"
		fi &&
		grep "^Repository is healthy\$" "$T/out" &&
		(cd "$T/copy" && healthy) &&
		(cd "$T/copy/main" && jvs history --format id) >"$T/ids" &&
		grep "^$(cat "$T/05.id")\$" "$T/ids" || {
			echo "failed at $point"
			return 1
		}
	done
'

test_expect_success 'Disaster: main worktree corrupted; the next cron run snapshots it' '
	cd production/workspace/critical-app/main &&
	rm -r db/ledger.txt bin &&
	echo "@@@@ garbage @@@@" >db/orders.csv &&
	head -c 1000 /dev/zero >db/blob.bin &&
	rm current && ln -s /nonexistent current &&
	echo junk >junk.tmp &&
	cron "$daily_job" 06 >"$T/06.id" &&
	d06=$(cat "$T/06.id") &&
	test "$(desc "$R" $d06 note)" = "Daily backup 2024-03-06" &&
	grep garbage "$R/.jvs/snapshots/$d06/db/orders.csv"
'

test_expect_success 'Disaster recovery 1: doctor --strict at the root is healthy (.jvs/ is intact)' '
	cd production/workspace/critical-app &&
	jvs doctor --strict >"$T/out" &&
	test "$(cat "$T/out")" = "Repository is healthy"
'

test_expect_success 'Disaster recovery 2: jvs history at the repository root, as written' '
	cd production/workspace/critical-app &&
	jvs history >"$T/out" &&
	grep "^$(cut -c15- "$T/05.id") .*Daily backup 2024-03-05" "$T/out" &&
	grep "^$(cut -c15- "$T/06.id") .*Daily backup 2024-03-06" "$T/out"
'

# uniq_prefix ID: the shortest prefix (at least 4 characters) of ID that no
# other snapshot shares, as a user would pick it from the history
uniq_prefix () {
	jvs history --all --format id >"$T/all.ids" &&
	_n=4 &&
	while test $_n -le 22; do
		_p=$(echo "$1" | cut -c1-$_n) &&
		if test "$(grep -c "^$_p" "$T/all.ids")" = 1
		then
			echo "$_p"
			return 0
		fi
		_n=$((_n + 1))
	done
	return 1
}

test_expect_success 'Disaster recovery 2: identify the last good snapshot (history of main)' '
	cd production/workspace/critical-app &&
	jvs history -w main >"$T/hist" &&
	sed -n 1p "$T/hist" | grep "^$(cut -c15- "$T/06.id") .*Daily backup 2024-03-06.*\[HEAD\]\$" &&
	sed -n 2p "$T/hist" | grep "^$(cut -c15- "$T/05.id") .*Daily backup 2024-03-05" &&
	uniq_prefix $(cat "$T/05.id") >"$T/05.prefix" &&
	p=$(cat "$T/05.prefix") &&
	test ${#p} -ge 4 && test ${#p} -lt 23 &&
	test "$(grep -c "^$p" "$T/all.ids")" = 1
'

test_expect_success 'a too short or shared prefix is ambiguous (exit 3, candidates listed)' '
	cd production/workspace/critical-app/main &&
	d03=$(cat "$T/03.id") && w03=$(cat "$T/03.weekly.id") &&
	short=$(echo $d03 | cut -c1-8) &&
	test "$(echo $w03 | cut -c1-8)" = $short &&
	test_must_fail --exit=3 jvs restore $short >"$T/out" 2>"$T/err" &&
	grep E_AMBIGUOUS "$T/err" &&
	grep "${d03#*-} (Daily backup 2024-03-03)" "$T/err" &&
	grep "${w03#*-} (Weekly backup 2024-03-03)" "$T/err" &&
	test_must_fail --exit=3 jvs verify $short 2>"$T/err" &&
	grep E_AMBIGUOUS "$T/err" &&
	same_as "$R" . $(cat "$T/06.id")
'

test_expect_success 'Disaster recovery 3: cd main; jvs restore <unique id prefix>' '
	cd production/workspace/critical-app &&
	d05=$(cat "$T/05.id") && d06=$(cat "$T/06.id") && p=$(cat "$T/05.prefix") &&
	# Restore main worktree
	cd main &&
	jvs restore $p >"$T/out" &&
	grep "^Restored main to $d05 (Daily backup 2024-03-05)\$" "$T/out" &&
	grep "^DETACHED.*$d05.*$d06" "$T/out" &&
	! grep Saved "$T/out" &&
	same_as "$R" . $d05 &&
	echo "orders up to day 05" >"$T/expect" &&
	test_cmp "$T/expect" db/orders.csv &&
	test "$(wc -l <db/ledger.txt)" = 500 &&
	test "$(readlink current)" = db/orders.csv &&
	test -x bin/serve &&
	test_path_is_missing junk.tmp &&
	jvs status -q
'

test_expect_success 'Disaster recovery 4: jvs verify <prefix>' '
	cd production/workspace/critical-app/main &&
	d05=$(cat "$T/05.id") && p=$(cat "$T/05.prefix") &&
	# Verify integrity
	jvs verify $p >"$T/out" &&
	echo "OK $d05" >"$T/expect" &&
	test_cmp "$T/expect" "$T/out"
'

test_expect_success 'a 15-character prefix and the full id work as well' '
	cd production/workspace/critical-app/main &&
	d04=$(cat "$T/04.id") && d05=$(cat "$T/05.id") &&
	p15=$(echo $d04 | cut -c1-15) &&
	jvs restore $p15 >"$T/out" &&
	grep "^Restored main to $d04 " "$T/out" &&
	same_as "$R" . $d04 &&
	jvs verify $p15 >"$T/out" &&
	grep "^OK $d04\$" "$T/out" &&
	jvs restore $d05 >"$T/out" &&
	grep "^Restored main to $d05 " "$T/out" &&
	same_as "$R" . $d05 &&
	jvs verify $d05 >"$T/out" &&
	grep "^OK $d05\$" "$T/out"
'

test_expect_success 'cron goes on after the recovery: a new line from the good snapshot' '
	cd production/workspace/critical-app/main &&
	d05=$(cat "$T/05.id") &&
	app_writes 07 &&
	cron "$daily_job" 07 >"$T/07.id" &&
	d07=$(cat "$T/07.id") &&
	test "$(desc "$R" $d07 parent_id)" = $d05 &&
	grep "history --all" "$T/cron.err" &&
	jvs history --format id >"$T/ids" &&
	cat "$T/07.id" "$T/05.id" "$T/04.id" "$T/03.weekly.id" "$T/03.id" "$T/02.id" "$T/01.id" >"$T/expect" &&
	test_cmp "$T/expect" "$T/ids" &&
	jvs history --all --format id >"$T/ids" &&
	grep "^$(cat "$T/06.id")\$" "$T/ids" &&
	healthy
'

test_expect_success 'Entire .jvs/ lost: fresh backup, then the loss' '
	cd production/workspace/critical-app &&
	rm -rf "$B" && mkdir -p "$B" &&
	tar -cf - --exclude=.jvs/intents --exclude=.jvs/index.sqlite .jvs | (cd "$B" && tar -xf -) &&
	repo_state >"$T/state.before" &&
	(cd main && jvs status) >"$T/status.before" &&
	rm -rf .jvs &&
	test_must_fail --exit=1 jvs doctor 2>"$T/err" &&
	grep E_NOT_A_REPO "$T/err" &&
	(cd main && test_must_fail --exit=1 jvs history) 2>"$T/err" &&
	grep E_NOT_A_REPO "$T/err"
'

test_expect_success 'Entire .jvs/ lost: restore from backup, doctor --strict --repair-runtime' '
	# 1. Restore metadata from backup
	(cd "$B" && tar -cf - .jvs) | (cd "$R" && tar -xf -) &&
	# 2. Rebuild runtime state
	cd production/workspace/critical-app &&
	jvs doctor --strict --repair-runtime >"$T/out" &&
	grep "^Repository is healthy\$" "$T/out" &&
	healthy &&
	repo_state >"$T/state.after" &&
	test_cmp "$T/state.before" "$T/state.after" &&
	(cd main && jvs status) >"$T/status.after" &&
	test_cmp "$T/status.before" "$T/status.after" &&
	(cd main && jvs status -q) &&
	(cd worktrees/reports && jvs status -q)
'

test_expect_success 'after the recovery the repository keeps working' '
	cd production/workspace/critical-app/main &&
	d07=$(cat "$T/07.id") &&
	app_writes 08 &&
	cron "$daily_job" 08 >"$T/08.id" &&
	test "$(desc "$R" $(cat "$T/08.id") parent_id)" = $d07 &&
	jvs restore weekly >"$T/out" &&
	grep "^Restored main to $(cat "$T/03.weekly.id") " "$T/out" &&
	same_as "$R" . $(cat "$T/03.weekly.id") &&
	jvs restore HEAD >"$T/out" &&
	grep "HEAD state" "$T/out" &&
	healthy
'

test_done
