#!/bin/sh

test_description='EXAMPLES.md Example 3: snapshot retention with gc, commands as written'

. "$(dirname "$0")/test-lib.sh"

if command -v jvs-doctor >/dev/null 2>&1
then
	test_set_prereq DOCTOR
fi

# The cron jobs of the example, run at chosen times: DAY is 2024-03-DAY.
cron_daily () {
	_t=$(date -u -d "2024-03-$1T02:00:00Z" +%s) &&
	(cd production/workspace/critical-app/main &&
	 echo "state of day $1" >data &&
	 JVS_TEST_NOW_MS=${_t}000 jvs snapshot "Daily backup $(date -u -d @$_t +%Y-%m-%d)" --tag daily)
}

cron_weekly () {
	_t=$(date -u -d "2024-03-$1T02:00:00Z" +%s) &&
	(cd production/workspace/critical-app/main &&
	 JVS_TEST_NOW_MS=${_t}000 jvs snapshot "Weekly backup $(date -u -d @$_t +%Y-%m-%d)" --tag weekly)
}

manual () {
	_t=$(date -u -d "2024-03-$1T15:00:00Z" +%s) &&
	(cd production/workspace/critical-app/main &&
	 echo "manual fix on day $1" >>notes &&
	 JVS_TEST_NOW_MS=${_t}000 jvs snapshot -q "manual fix day $1") >>manual.ids
}

test_expect_success 'setup: two weeks of cron backups and a few manual snapshots' '
	mkdir -p production/workspace &&
	(cd production/workspace && jvs init critical-app) >/dev/null &&
	for day in 01 02 03 04 05 06 07 08 09 10 11 12 13 14
	do
		cron_daily $day >/dev/null || return 1
		case $day in 03|10) cron_weekly $day >/dev/null || return 1 ;; esac &&
		case $day in 02|05|12|13) manual $day || return 1 ;; esac
	done &&
	(cd production/workspace/critical-app && jvs history --all --format id) >all &&
	test $(wc -l <all) = 20
'

test_expect_success 'gc plan --keep-daily 7 --keep-tagged, twice, gives the same plan' '
	(
		cd production/workspace/critical-app/main &&
		# Clean up old daily snapshots, keep tagged ones
		jvs gc plan --keep-daily 7 --keep-tagged
	) >plan1 &&
	(
		cd production/workspace/critical-app/main &&
		# Review plan
		jvs gc plan --keep-daily 7 --keep-tagged
		# Output shows what will be deleted
	) >plan2 &&
	grep "^GC Plan" plan1 &&
	grep "^Plan ID: " plan1 &&
	test_cmp plan1 plan2 &&
	head -n 2 manual.ids >expect_deleted &&
	for id in $(cat expect_deleted)
	do
		grep "^  ${id#*-} " plan1 || return 1
	done &&
	grep "^Snapshots: 20 total, 18 kept, 2 to delete$" plan1
'

test_expect_success 'PLAN_ID=$(... | grep | cut) and gc run, as written' '
	(
		cd production/workspace/critical-app/main &&
		# Execute when ready
		PLAN_ID=$(jvs gc plan --keep-daily 7 --keep-tagged | grep "Plan ID:" | cut -d: -f2) &&
		jvs gc run --plan-id "$PLAN_ID"
	) >run.out &&
	grep "deleted 2 snapshots" run.out
'

test_expect_success 'only the old untagged snapshots went' '
	(cd production/workspace/critical-app && jvs history --all --format id) >after &&
	test $(wc -l <after) = 18 &&
	for id in $(cat expect_deleted)
	do
		! grep "$id" after || return 1
	done &&
	for id in $(tail -n 2 manual.ids)
	do
		grep "$id" after || return 1
	done
'

test_expect_success 'history and verify work after gc' '
	(cd production/workspace/critical-app/main && jvs history) >hist &&
	grep "Daily backup 2024-03-14" hist &&
	grep "(pruned) manual fix day 05$" hist &&
	(cd production/workspace/critical-app && jvs verify --all) >verify &&
	test $(grep -c "^OK [0-9]" verify) = 18 &&
	! grep FAIL verify
'

test_expect_success DOCTOR 'doctor --strict is happy after gc' '
	(cd production/workspace/critical-app && jvs doctor --strict) >out &&
	grep "Repository is healthy" out
'

test_expect_success 'planning again finds nothing more to delete' '
	(cd production/workspace/critical-app/main && jvs gc plan --keep-daily 7 --keep-tagged) >again &&
	grep "Nothing to delete" again
'

test_done
