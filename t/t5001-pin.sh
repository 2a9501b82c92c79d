#!/bin/sh

test_description='jvs pin add/list/remove and how pins protect snapshots from gc'

. "$(dirname "$0")/test-lib.sh"

ms_of () {
	echo $(( $(date -u -d "$1" +%s) * 1000 ))
}

# snap LABEL WHEN: a snapshot in repo/main at WHEN; "LABEL ID" to ids.
snap () {
	echo "$1" >repo/main/file &&
	_id=$(cd repo/main && JVS_TEST_NOW_MS=$(ms_of "$2") jvs-snapshot -q "$1") &&
	echo "$1 $_id" >>ids
}

id_of () {
	awk -v l="$1" '$1 == l { print $2 }' ids
}

json_get () {
	python3 -c "import json, sys; v = json.load(open(sys.argv[1])); exec(sys.argv[2])" "$@"
}

NOW=2024-02-01T00:00:00Z

test_expect_success 'setup: four daily snapshots' '
	jvs-init repo >/dev/null &&
	snap s1 2024-01-01T00:00:00Z &&
	snap s2 2024-01-02T00:00:00Z &&
	snap s3 2024-01-03T00:00:00Z &&
	snap s4 2024-01-04T00:00:00Z
'

test_expect_success 'pin list with no pins prints nothing' '
	(cd repo/main && jvs-pin-list) >out &&
	test ! -s out &&
	(cd repo/main && jvs-pin-list --json) >out &&
	json_get out "assert v == []"
'

test_expect_success 'pin add REF --reason writes a pin file and an audit record' '
	(cd repo/main && JVS_TEST_NOW_MS=$(ms_of $NOW) jvs-pin-add s1 --reason "release 1.0") >out &&
	grep "^Pinned snapshot $(id_of s1) (pin [0-9a-f-]\{36\}, expires never)$" out &&
	pin=$(sed -n "s/.*(pin \([0-9a-f-]*\),.*/\1/p" out) &&
	test -f repo/.jvs/gc/pins/$pin.json &&
	json_get repo/.jvs/gc/pins/$pin.json "
assert v[\"pin_id\"] == \"$pin\"
assert v[\"snapshot_id\"] == \"$(id_of s1)\"
assert v[\"reason\"] == \"release 1.0\"
assert v[\"created_at\"] == \"2024-02-01T00:00:00.000Z\"
assert v[\"expires_at\"] is None" &&
	tail -n 1 repo/.jvs/audit/audit.jsonl >last &&
	json_get last "
assert v[\"operation\"] == \"pin_add\"
assert v[\"target\"] == \"$(id_of s1)\"
assert v[\"details\"][\"pin_id\"] == \"$pin\"
assert v[\"reason\"] == \"release 1.0\""
'

test_expect_success 'uuid v4 pin ids' '
	ls repo/.jvs/gc/pins >pins &&
	grep "^[0-9a-f]\{8\}-[0-9a-f]\{4\}-4[0-9a-f]\{3\}-[89ab][0-9a-f]\{3\}-[0-9a-f]\{12\}\.json$" pins
'

test_expect_success 'pin add --expires takes durations and dates' '
	(cd repo/main && JVS_TEST_NOW_MS=$(ms_of $NOW) jvs-pin-add s2 --expires 30d --json) >p2 &&
	json_get p2 "assert v[\"expires_at\"] == \"2024-03-02T00:00:00.000Z\", v" &&
	(cd repo/main && JVS_TEST_NOW_MS=$(ms_of $NOW) jvs-pin-add s2 --expires 12h --json) >p &&
	json_get p "assert v[\"expires_at\"] == \"2024-02-01T12:00:00.000Z\", v" &&
	(cd repo/main && JVS_TEST_NOW_MS=$(ms_of $NOW) jvs-pin-add s3 --expires 2w --json) >p &&
	json_get p "assert v[\"expires_at\"] == \"2024-02-15T00:00:00.000Z\", v" &&
	(cd repo/main && JVS_TEST_NOW_MS=$(ms_of $NOW) jvs-pin-add s3 --expires 1y --json) >p &&
	json_get p "assert v[\"expires_at\"] == \"2025-02-01T00:00:00.000Z\", v" &&
	(cd repo/main && JVS_TEST_NOW_MS=$(ms_of $NOW) jvs-pin-add s3 --expires 2024-06-01 --json) >p &&
	json_get p "assert v[\"expires_at\"] == \"2024-06-01T00:00:00.000Z\", v" &&
	(cd repo/main && JVS_TEST_NOW_MS=$(ms_of $NOW) \
		jvs-pin-add s3 --expires 2024-06-01T12:30:00+02:00 --json) >p &&
	json_get p "assert v[\"expires_at\"] == \"2024-06-01T10:30:00.000Z\", v" &&
	json_get p "assert v[\"expired\"] is False and v[\"reason\"] is None"
'

test_expect_success 'pin add rejects bad or past expiry and unknown refs' '
	(cd repo/main && test_must_fail --exit=2 jvs-pin-add s1 --expires soon) &&
	(cd repo/main && test_must_fail --exit=2 jvs-pin-add s1 --expires 3x) &&
	(cd repo/main && test_must_fail --exit=2 jvs-pin-add s1 --expires 2024-13-01) &&
	(cd repo/main && JVS_TEST_NOW_MS=$(ms_of $NOW) \
		test_must_fail --exit=2 jvs-pin-add s1 --expires 2020-01-01) &&
	(cd repo/main && test_must_fail --exit=3 jvs-pin-add no-such-snapshot) &&
	(cd repo/main && test_must_fail --exit=2 jvs-pin-add) &&
	test $(ls repo/.jvs/gc/pins | wc -l) = 7
'

test_expect_success 'pin list shows id, snapshot, expiry and reason' '
	(cd repo/main && JVS_TEST_NOW_MS=$(ms_of $NOW) jvs-pin-list) >out &&
	test $(wc -l <out) = 7 &&
	grep "^[0-9a-f-]\{36\}  $(id_of s1 | cut -c15-)  never  *release 1.0$" out &&
	grep "^[0-9a-f-]\{36\}  $(id_of s2 | cut -c15-)  2024-03-02T00:00:00.000Z *$" out
'

test_expect_success 'expired pins are marked and listed' '
	(cd repo/main && JVS_TEST_NOW_MS=$(ms_of 2024-02-20T00:00:00Z) jvs-pin-list) >out &&
	grep "$(id_of s2 | cut -c15-)  expired 2024-02-01T12:00:00.000Z" out &&
	grep "$(id_of s3 | cut -c15-)  expired 2024-02-15T00:00:00.000Z" out &&
	(cd repo/main && JVS_TEST_NOW_MS=$(ms_of 2024-02-20T00:00:00Z) jvs-pin-list --json) >out &&
	json_get out "assert sorted(p[\"expired\"] for p in v) == [False] * 5 + [True] * 2, v"
'

test_expect_success 'pins work from the repository root' '
	(cd repo && jvs-pin-list) >out &&
	test $(wc -l <out) = 7 &&
	(cd repo && test_must_fail --exit=1 jvs-pin-add HEAD) 2>err &&
	grep E_NO_WORKTREE err &&
	s4=$(id_of s4) &&
	(cd repo && jvs-pin-add "$s4" -q) >pin4 &&
	pin4=$(cat pin4) &&
	(cd repo && jvs-pin-remove "$pin4") >out &&
	grep "^Removed pin $(cat pin4) (snapshot $(id_of s4))$" out
'

test_expect_success 'pinned snapshots are never candidates; expired pins do not protect' '
	(cd repo/main && JVS_TEST_NOW_MS=$(ms_of $NOW) jvs-gc-plan --keep-last 1 --json) >plan &&
	json_get plan "assert v[\"candidates\"] == [], v" &&
	json_get plan "assert v[\"protected_by_pin\"] == 3, v" &&
	(cd repo/main && JVS_TEST_NOW_MS=$(ms_of 2024-03-10T00:00:00Z) \
		jvs-gc-plan --keep-last 1 --json) >plan &&
	json_get plan "assert v[\"candidates\"] == [\"$(id_of s2)\"], v" &&
	(cd repo/main && JVS_TEST_NOW_MS=$(ms_of 2025-06-01T00:00:00Z) \
		jvs-gc-plan --keep-last 1 --json) >plan &&
	json_get plan "assert v[\"candidates\"] == [\"$(id_of s2)\", \"$(id_of s3)\"], v"
'

test_expect_success 'pins protect in the default policy, with their ancestors' '
	s1=$(id_of s1) &&
	(cd repo/main && jvs-restore "$s1" && jvs-snapshot -q "side") >/dev/null &&
	(cd repo/main && JVS_TEST_NOW_MS=$(ms_of 2024-03-10T00:00:00Z) jvs-gc-plan --json) >plan &&
	json_get plan "assert v[\"candidates\"] == [\"$(id_of s4)\"], v" &&
	(cd repo/main && JVS_TEST_NOW_MS=$(ms_of 2025-06-01T00:00:00Z) jvs-gc-plan --json) >plan &&
	json_get plan "assert v[\"candidates\"] == [\"$(id_of s2)\", \"$(id_of s3)\", \"$(id_of s4)\"], v"
'

test_expect_success 'pin remove by unique pin id prefix' '
	pin=$(ls repo/.jvs/gc/pins | head -n 1 | cut -c1-8) &&
	(cd repo/main && jvs-pin-remove $pin) >out &&
	grep "^Removed pin $pin" out &&
	test $(ls repo/.jvs/gc/pins | wc -l) = 6 &&
	tail -n 1 repo/.jvs/audit/audit.jsonl >last &&
	json_get last "assert v[\"operation\"] == \"pin_remove\" and v[\"details\"][\"pin_id\"].startswith(\"$pin\")"
'

test_expect_success 'pin remove REF removes every pin of that snapshot' '
	n=$(grep -l "$(id_of s3)" repo/.jvs/gc/pins/*.json | wc -l) &&
	test $n -ge 2 &&
	(cd repo/main && jvs-pin-remove s3) >out &&
	test $(wc -l <out) = $n &&
	! grep -l "$(id_of s3)" repo/.jvs/gc/pins/*.json
'

test_expect_success 'pin remove of something unpinned or unknown is E_NOT_FOUND' '
	(cd repo/main && test_must_fail --exit=3 jvs-pin-remove s4) 2>err &&
	grep "has no pins" err &&
	(cd repo/main && test_must_fail --exit=3 jvs-pin-remove nothing-like-this) &&
	(cd repo/main && test_must_fail --exit=2 jvs-pin-remove)
'

test_expect_success 'a malformed pin file stops gc planning' '
	echo "{" >repo/.jvs/gc/pins/00000000-0000-4000-8000-000000000000.json &&
	(cd repo/main && test_must_fail --exit=4 jvs-gc-plan) 2>err &&
	grep "pin file" err &&
	rm repo/.jvs/gc/pins/00000000-0000-4000-8000-000000000000.json
'

test_done
