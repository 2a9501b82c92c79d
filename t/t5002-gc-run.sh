#!/bin/sh

test_description='jvs gc run: plan checks, tombstones, deletion, crash resume, pruned history'

. "$(dirname "$0")/test-lib.sh"

ms_of () {
	echo $(( $(date -u -d "$1" +%s) * 1000 ))
}

# snap REPO LABEL WHEN [options]: snapshot REPO/main at WHEN; "LABEL ID" to REPO.ids.
snap () {
	_repo=$1 _label=$2 _when=$3
	shift 3
	_id=$(cd "$_repo/main" && JVS_TEST_NOW_MS=$(ms_of "$_when") jvs-snapshot -q "$_label" "$@") &&
	echo "$_label $_id" >>"$_repo.ids"
}

id_of () {
	awk -v l="$2" '$1 == l { print $2 }' "$1.ids"
}

# A fresh repository with five daily snapshots s1..s5 (s2 tagged t2).
setup_repo () {
	rm -rf "$1" "$1.ids" &&
	jvs-init "$1" >/dev/null &&
	for n in 1 2 3 4 5
	do
		echo "content $n" >"$1/main/file$n" &&
		if test $n = 2
		then
			snap "$1" s$n 2024-01-0${n}T00:00:00Z --tag t2
		else
			snap "$1" s$n 2024-01-0${n}T00:00:00Z
		fi || return 1
	done
}

plan () {
	_repo=$1
	shift
	(cd "$_repo/main" && jvs-gc-plan -q "$@")
}

json_get () {
	python3 -c "import json, sys; v = json.load(open(sys.argv[1])); exec(sys.argv[2])" "$@"
}

# gone REPO LABEL: nothing of the snapshot is left but its tombstone.
gone () {
	_id=$(id_of "$1" "$2") &&
	test -n "$_id" &&
	test ! -e "$1/.jvs/descriptors/$_id.json" &&
	test ! -e "$1/.jvs/snapshots/$_id.READY" &&
	test ! -e "$1/.jvs/manifests/$_id" &&
	test ! -e "$1/.jvs/snapshots/$_id" &&
	json_get "$1/.jvs/gc/tombstones/$_id.json" "assert v[\"state\"] == \"deleted\", v"
}

present () {
	_id=$(id_of "$1" "$2") &&
	test -f "$1/.jvs/descriptors/$_id.json" &&
	test -f "$1/.jvs/snapshots/$_id.READY" &&
	test -f "$1/.jvs/manifests/$_id" &&
	test -d "$1/.jvs/snapshots/$_id"
}

no_intents () {
	ls "$1/.jvs/intents" >intents &&
	test ! -s intents
}

if command -v jvs-doctor >/dev/null 2>&1
then
	test_set_prereq DOCTOR
fi
if command -v flock >/dev/null 2>&1
then
	test_set_prereq FLOCK
fi
if test "$(id -u)" != 0
then
	test_set_prereq NOT_ROOT
fi

test_expect_success 'setup' '
	setup_repo r
'

test_expect_success 'gc run deletes the plan candidates' '
	id=$(plan r --keep-last 2) &&
	(cd r/main && jvs-gc-run --plan-id $id) >out &&
	cat >expect <<-EOF &&
	Deleted snapshot $(id_of r s1)
	Deleted snapshot $(id_of r s2)
	Deleted snapshot $(id_of r s3)
	EOF
	head -n 3 out >actual &&
	test_cmp expect actual &&
	grep "^GC run $id: deleted 3 snapshots, freed [0-9]* bytes$" out &&
	gone r s1 && gone r s2 && gone r s3 &&
	present r s4 && present r s5 &&
	no_intents r
'

test_expect_success 'tombstones keep the lineage facts' '
	json_get r/.jvs/gc/tombstones/$(id_of r s2).json "
assert v[\"snapshot_id\"] == \"$(id_of r s2)\"
assert v[\"parent_id\"] == \"$(id_of r s1)\"
assert v[\"created_at\"] == \"2024-01-02T00:00:00.000Z\"
assert v[\"note\"] == \"s2\"
assert v[\"tags\"] == [\"t2\"]
assert v[\"worktree_name\"] == \"main\"
assert len(v[\"plan_id\"]) == 16
assert v[\"state\"] == \"deleted\"
assert v[\"deleted_at\"]" &&
	json_get r/.jvs/gc/tombstones/$(id_of r s1).json "assert v[\"parent_id\"] is None"
'

test_expect_success 'the run is audited' '
	tail -n 1 r/.jvs/audit/audit.jsonl >last &&
	json_get last "
assert v[\"operation\"] == \"gc_run\", v
assert v[\"details\"][\"deleted\"] == [\"$(id_of r s1)\", \"$(id_of r s2)\", \"$(id_of r s3)\"], v
assert len(v[\"details\"][\"plan_id\"]) == 16"
'

test_expect_success 'history shows where the line was pruned' '
	(cd r/main && jvs-history) >out &&
	test $(wc -l <out) = 3 &&
	tail -n 1 out >actual &&
	echo "... $(id_of r s3) (pruned) s3" >expect &&
	test_cmp expect actual &&
	(cd r && jvs-history --all --format id) >all &&
	test $(wc -l <all) = 2
'

test_expect_success 'verify --all passes after gc' '
	(cd r && jvs-verify --all) >out &&
	grep "^OK $(id_of r s4)" out &&
	grep "^OK $(id_of r s5)" out &&
	! grep FAIL out
'

test_expect_success DOCTOR 'doctor is happy after gc' '
	(cd r && jvs-doctor) >out &&
	grep "Repository is healthy" out
'

test_expect_success 'running the same plan again does nothing' '
	id=$(ls r/.jvs/gc/plans | sed "s/\.json$//") &&
	(cd r && jvs-gc-run --plan-id "$id" --json) >out &&
	json_get out "assert v[\"deleted\"] == [] and v[\"already_deleted\"] == 3, v"
'

test_expect_success 'a new pin makes the plan stale: nothing is deleted' '
	setup_repo m &&
	id=$(plan m --keep-last 2) &&
	(cd m/main && jvs-pin-add s2 -q) >/dev/null &&
	(cd m/main && test_must_fail --exit=5 jvs-gc-run --plan-id $id) 2>err &&
	grep "E_GC_PLAN_MISMATCH" err &&
	grep "$(id_of m s2) is now kept (pin)" err &&
	present m s1 && present m s2 && present m s3 &&
	ls m/.jvs/gc/tombstones >t &&
	test ! -s t &&
	no_intents m &&
	(cd m/main && jvs-pin-remove s2) >/dev/null &&
	(cd m/main && jvs-gc-run --plan-id $id) >/dev/null &&
	gone m s2
'

test_expect_success 'a new snapshot makes the plan stale' '
	setup_repo m &&
	id=$(plan m --keep-last 2) &&
	echo more >m/main/more &&
	snap m s6 2024-01-06T00:00:00Z &&
	(cd m/main && test_must_fail --exit=5 jvs-gc-run --plan-id $id) 2>err &&
	grep "$(id_of m s4) is now a candidate" err &&
	present m s1
'

test_expect_success 'a moved head makes the plan stale' '
	setup_repo m &&
	id=$(plan m --keep-last 2) &&
	s1=$(id_of m s1) &&
	(cd m/main && jvs-restore "$s1") >/dev/null &&
	(cd m/main && test_must_fail --exit=5 jvs-gc-run --plan-id $id) 2>err &&
	grep "$(id_of m s1) is now kept (head)" err &&
	present m s1 && present m s2
'

test_expect_success 'unknown, malformed or missing plan ids' '
	(cd m && test_must_fail --exit=3 jvs-gc-run --plan-id 0123456789abcdef) 2>err &&
	grep E_NOT_FOUND err &&
	(cd m && test_must_fail --exit=2 jvs-gc-run --plan-id "../x") &&
	(cd m && test_must_fail --exit=2 jvs-gc-run) &&
	(cd m && test_must_fail --exit=2 jvs-gc-run --plan-id a b)
'

test_expect_success 'plan id blanks are ignored; JSON output' '
	setup_repo j &&
	id=$(plan j --keep-last 4) &&
	(cd j && jvs-gc-run --plan-id "  $id " --json) >out &&
	json_get out "
assert v[\"plan_id\"] == \"$id\"
assert v[\"deleted\"] == [\"$(id_of j s1)\"]
assert v[\"deleted_count\"] == 1
assert v[\"bytes_freed\"] > 0"
'

test_expect_success FLOCK 'gc run takes the repo lock exclusively' '
	setup_repo l &&
	id=$(plan l --keep-last 2) &&
	rm -f ready release &&
	{ ( flock -s 9 && : >ready &&
	    while test ! -f release; do sleep 0.05; done ) 9>l/.jvs/locks/repo.lock & } &&
	holder=$! &&
	while test ! -f ready; do sleep 0.1; done &&
	(cd l && test_must_fail --exit=5 jvs-gc-run --plan-id $id) 2>err &&
	grep E_LOCKED err &&
	present l s1 &&
	{ (cd l && jvs-gc-run --wait=120 --plan-id $id) >/dev/null & } &&
	runner=$! &&
	sleep 0.5 &&
	: >release &&
	wait $runner &&
	wait $holder &&
	gone l s1
'

# crash_at POINT: a run killed at POINT leaves state a rerun completes.
for point in gc-after-mark gc-after-descriptor-delete gc-after-payload-delete
do
	test_expect_success "crash at $point, then resume" '
		setup_repo c &&
		id=$(plan c --keep-last 2) &&
		(cd c/main && JVS_FAULT='$point' test_must_fail --exit=99 jvs-gc-run --plan-id $id) &&
		s1=$(id_of c s1) &&
		test -f c/.jvs/intents/gc-$id.json &&
		json_get c/.jvs/gc/tombstones/$s1.json "assert v[\"state\"] == \"marked\", v" &&
		case '$point' in
		gc-after-mark)
			present c s1 && test ! -e c/.jvs/gc/tombstones/$(id_of c s2).json ;;
		gc-after-descriptor-delete)
			test ! -e c/.jvs/descriptors/$s1.json && test -d c/.jvs/snapshots/$s1 ;;
		gc-after-payload-delete)
			test ! -e c/.jvs/descriptors/$s1.json && test ! -e c/.jvs/snapshots/$s1 ;;
		esac &&
		(cd c/main && jvs-history --all --format id) >ids &&
		! grep -q "$s1" ids || test '$point' = gc-after-mark &&
		(cd c/main && jvs-gc-run --plan-id $id) >out &&
		gone c s1 && gone c s2 && gone c s3 &&
		present c s4 && present c s5 &&
		no_intents c &&
		(cd c && jvs-verify --all) >out &&
		! grep FAIL out
	'
done

test_expect_success 'a stale plan after a crash: the half-deleted one is finished, the rest unmarked' '
	setup_repo c &&
	id=$(plan c --keep-last 2) &&
	(cd c/main && JVS_FAULT=gc-after-descriptor-delete test_must_fail --exit=99 \
		jvs-gc-run --plan-id $id) &&
	echo more >c/main/more &&
	snap c s6 2024-01-06T00:00:00Z &&
	(cd c && test_must_fail --exit=5 jvs-gc-run --plan-id $id) 2>err &&
	grep E_GC_PLAN_MISMATCH err &&
	grep "1 snapshot an interrupted run of it had half deleted has been finished" err &&
	gone c s1 &&
	present c s2 && present c s3 &&
	test ! -e c/.jvs/gc/tombstones/$(id_of c s2).json &&
	no_intents c &&
	(cd c && jvs-verify --all) >out &&
	! grep FAIL out &&
	id2=$(plan c --keep-last 2) &&
	(cd c && jvs-gc-run --plan-id $id2) >/dev/null &&
	gone c s2 && gone c s3 && gone c s4
'

test_expect_success DOCTOR 'doctor is happy after an abandoned plan' '
	(cd c && jvs-doctor) >out &&
	grep "Repository is healthy" out
'

test_expect_success NOT_ROOT 'a failure marks the tombstone failed; rerun continues' '
	setup_repo f &&
	id=$(plan f --keep-last 2) &&
	chmod a-w f/.jvs/snapshots &&
	{ (cd f && test_must_fail --exit=1 jvs-gc-run --plan-id $id) 2>err; rc=$?; } &&
	chmod u+w f/.jvs/snapshots &&
	test $rc = 0 &&
	grep "cannot delete snapshot $(id_of f s1)" err &&
	json_get f/.jvs/gc/tombstones/$(id_of f s1).json "assert v[\"state\"] == \"failed\" and v[\"error\"], v" &&
	no_intents f &&
	(cd f && jvs-gc-run --plan-id $id) >/dev/null &&
	gone f s1 && gone f s2 && gone f s3
'

test_expect_success 'setup: a large file only in s1, a shared one in s1 and s2' '
	jvs-init b >/dev/null &&
	head -c 409600 /dev/urandom >b/main/big &&
	head -c 409600 /dev/urandom >b/main/shared &&
	touch -d 2020-01-01 b/main/big b/main/shared &&
	snap b s1 2024-01-01T00:00:00Z &&
	rm b/main/big &&
	snap b s2 2024-01-02T00:00:00Z &&
	echo changed >b/main/shared &&
	snap b s3 2024-01-03T00:00:00Z &&
	s1=$(id_of b s1) && s2=$(id_of b s2) &&
	if test "$(stat -c %i b/.jvs/snapshots/$s1/shared)" = \
		"$(stat -c %i b/.jvs/snapshots/$s2/shared)"
	then
		: >hardlinked
	fi
'

if test -f b.ids && test -f hardlinked
then
	test_set_prereq HARDLINKED
fi

test_expect_success HARDLINKED 'bytes freed count only inodes no kept snapshot links' '
	(cd b/main && jvs-gc-plan --keep-last 2 --json) >p1 &&
	json_get p1 "
n = v[\"deletable_bytes_estimate\"]
assert v[\"candidates\"] == [\"$(id_of b s1)\"], v
assert 409600 <= n < 2 * 409600, n" &&
	(cd b/main && jvs-gc-plan --keep-last 1 --json) >p2 &&
	json_get p2 "
n = v[\"deletable_bytes_estimate\"]
assert len(v[\"candidates\"]) == 2, v
assert 2 * 409600 <= n < 3 * 409600, n" &&
	id=$(json_get p2 "print(v[\"plan_id\"])") &&
	(cd b && jvs-gc-run --plan-id $id --json) >out &&
	json_get out "assert v[\"bytes_freed\"] == $(json_get p2 "print(v[\"deletable_bytes_estimate\"])")"
'

test_done
