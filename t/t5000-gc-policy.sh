#!/bin/sh

test_description='jvs gc plan: retention rules, their union, the default policy, plan ids'

. "$(dirname "$0")/test-lib.sh"

# snap REPO LABEL WHEN [jvs-snapshot options]: a snapshot taken at WHEN
# (UTC), with LABEL as its note; "LABEL ID" goes to REPO.ids.
snap () {
	_repo=$1 _label=$2 _when=$3
	shift 3
	_ms=$(( $(date -u -d "$_when" +%s) * 1000 )) &&
	echo "$_label" >"$_repo/main/file" &&
	_id=$(cd "$_repo/main" && JVS_TEST_NOW_MS=$_ms jvs-snapshot -q "$_label" "$@") &&
	echo "$_label $_id" >>"$_repo.ids"
}

id_of () {
	awk -v l="$2" '$1 == l { print $2 }' "$1.ids"
}

ms_of () {
	echo $(( $(date -u -d "$1" +%s) * 1000 ))
}

# cands REPO NOW [gc-plan options]: the labels of the candidates, sorted.
cands () {
	_repo=$1 _now=$2
	shift 2
	(cd "$_repo/main" && JVS_TEST_NOW_MS=$(ms_of "$_now") jvs-gc-plan --json "$@") >plan.json &&
	python3 - "$_repo.ids" plan.json <<-\EOF
	import json, sys
	labels = dict(reversed(l.split()) for l in open(sys.argv[1]))
	plan = json.load(open(sys.argv[2]))
	assert plan["candidate_count"] == len(plan["candidates"])
	print(" ".join(sorted(labels[c] for c in plan["candidates"])))
	EOF
}

# reasons REPO LABEL: why the last plan (plan.json) keeps LABEL.
reasons () {
	python3 - "$1.ids" plan.json "$2" <<-\EOF
	import json, sys
	ids = dict(l.split() for l in open(sys.argv[1]))
	plan = json.load(open(sys.argv[2]))
	for k in plan["kept"]:
	    if k["snapshot_id"] == ids[sys.argv[3]]:
	        print(" ".join(k["reasons"]))
	EOF
}

NOW=2024-03-05T12:00:00Z

# A linear history over ten weeks (TZ=UTC):
#   a Sat 2023-12-30 10:00  W52 2023    f Mon 2024-01-08 12:00  W02
#   b Sun 2023-12-31 09:00  W52 2023    g Mon 2024-01-08 12:30  W02
#   c Mon 2024-01-01 08:00  W01 weekly  h Thu 2024-02-15 12:00  W07
#   d Mon 2024-01-01 20:00  W01         i Fri 2024-03-01 12:00  W09 release
#   e Tue 2024-01-02 12:00  W01         j Sat 2024-03-02 12:00  W09 (head)
test_expect_success 'setup: ten snapshots across three months' '
	jvs-init repo >/dev/null &&
	snap repo a 2023-12-30T10:00:00Z &&
	snap repo b 2023-12-31T09:00:00Z &&
	snap repo c 2024-01-01T08:00:00Z --tag weekly &&
	snap repo d 2024-01-01T20:00:00Z &&
	snap repo e 2024-01-02T12:00:00Z &&
	snap repo f 2024-01-08T12:00:00Z &&
	snap repo g 2024-01-08T12:30:00Z &&
	snap repo h 2024-02-15T12:00:00Z &&
	snap repo i 2024-03-01T12:00:00Z --tag release &&
	snap repo j 2024-03-02T12:00:00Z &&
	test $(wc -l <repo.ids) = 10
'

test_expect_success 'default policy: a single line of history is all kept' '
	cands repo $NOW >actual &&
	echo >expect &&
	test_cmp expect actual &&
	(cd repo/main && JVS_TEST_NOW_MS=$(ms_of $NOW) jvs-gc-plan) >out &&
	grep "^GC Plan" out &&
	grep "Nothing to delete" out &&
	test "$(reasons repo a)" = lineage &&
	test "$(reasons repo j)" = "head latest"
'

test_expect_success '--keep-last N keeps the N newest' '
	echo "a b c d e f g" >expect &&
	cands repo $NOW --keep-last 3 >actual &&
	test_cmp expect actual
'

test_expect_success '--keep-hourly: newest of each of the last N hours with snapshots' '
	echo "a b c d f" >expect &&
	cands repo $NOW --keep-hourly 5 >actual &&
	test_cmp expect actual
'

test_expect_success '--keep-daily: newest of each of the last N days with snapshots' '
	echo "a b c d e f" >expect &&
	cands repo $NOW --keep-daily 4 >actual &&
	test_cmp expect actual &&
	echo "c f" >expect &&
	cands repo $NOW --keep-daily 10 >actual &&
	test_cmp expect actual
'

test_expect_success '--keep-weekly uses ISO weeks' '
	echo "a b c d e f i" >expect &&
	cands repo $NOW --keep-weekly 3 >actual &&
	test_cmp expect actual &&
	echo "a c d f i" >expect &&
	cands repo $NOW --keep-weekly 10 >actual &&
	test_cmp expect actual
'

test_expect_success '--keep-monthly and --keep-yearly' '
	echo "a b c d e f g i" >expect &&
	cands repo $NOW --keep-monthly 2 >actual &&
	test_cmp expect actual &&
	echo "a c d e f g h i" >expect &&
	cands repo $NOW --keep-yearly 2 >actual &&
	test_cmp expect actual
'

test_expect_success '--keep-within counts back from the newest snapshot' '
	echo "a b c d e f g h" >expect &&
	cands repo $NOW --keep-within 3d >actual &&
	test_cmp expect actual &&
	echo "a b c d e f g h i" >expect &&
	cands repo $NOW --keep-within 12h >actual &&
	test_cmp expect actual &&
	echo "a b c d e f g" >expect &&
	cands repo $NOW --keep-within 3w >actual &&
	test_cmp expect actual &&
	echo "a b c d e" >expect &&
	cands repo $NOW --keep-within 2m >actual &&
	test_cmp expect actual
'

test_expect_success '--keep-tagged and --keep-tag' '
	echo "a b d e f g h" >expect &&
	cands repo $NOW --keep-tagged >actual &&
	test_cmp expect actual &&
	echo "a b c d e f g h" >expect &&
	cands repo $NOW --keep-tag release >actual &&
	test_cmp expect actual &&
	echo "a b d e f g h" >expect &&
	cands repo $NOW --keep-tag weekly --keep-tag release >actual &&
	test_cmp expect actual &&
	echo "a b c d e f g h i" >expect &&
	cands repo $NOW --keep-tag no-such-tag >actual &&
	test_cmp expect actual
'

test_expect_success 'rules count independently: one snapshot can satisfy several' '
	echo "a b c d e f g h" >expect &&
	cands repo $NOW --keep-last 1 --keep-daily 2 >actual &&
	test_cmp expect actual &&
	test "$(reasons repo j)" = "head latest last daily" &&
	test "$(reasons repo i)" = "daily"
'

test_expect_success 'rules combine as a union' '
	echo "a b d e f" >expect &&
	cands repo $NOW --keep-daily 2 --keep-monthly 3 --keep-tag weekly >actual &&
	test_cmp expect actual &&
	test "$(reasons repo c)" = "tag" &&
	test "$(reasons repo g)" = "monthly" &&
	echo "a c d e f g" >expect &&
	cands repo $NOW --keep-hourly 2 --keep-weekly 2 --keep-yearly 3 >actual &&
	test_cmp expect actual &&
	test "$(reasons repo b)" = "yearly"
'

test_expect_success 'periods are taken in local time (TZ)' '
	echo "d f" >expect &&
	TZ=JST-9 cands repo $NOW --keep-daily 10 >actual &&
	test_cmp expect actual
'

test_expect_success 'JSON counts add up' '
	cands repo $NOW --keep-daily 2 --keep-tag weekly >/dev/null &&
	python3 - plan.json <<-\EOF
	import json, sys
	p = json.load(open(sys.argv[1]))
	assert p["candidate_count"] == 7, p
	assert p["protected_by_pin"] == 0, p
	assert p["protected_by_lineage"] == 1, p
	assert p["protected_by_retention"] == 2, p
	assert p["kept_count"] == 3, p
	assert p["policy"] == {"keep_daily": 2, "keep_tags": ["weekly"]}, p
	assert isinstance(p["deletable_bytes_estimate"], int) and p["deletable_bytes_estimate"] > 0
	EOF
'

test_expect_success 'text output: heading, plan id, counts, candidates, space, run line' '
	(cd repo/main && JVS_TEST_NOW_MS=$(ms_of $NOW) jvs-gc-plan --keep-last 8) >out &&
	id=$(sed -n "s/^Plan ID: //p" out) &&
	test -n "$id" &&
	grep "^GC Plan$" out &&
	grep "^Snapshots: 10 total, 8 kept, 2 to delete$" out &&
	grep "^  $(id_of repo a | cut -c15-)  2023-12-30 10:00:00  main  a$" out &&
	grep "^  $(id_of repo b | cut -c15-)  " out &&
	grep "^Space freed: " out &&
	grep "^Run: jvs gc run --plan-id $id$" out &&
	test -f repo/.jvs/gc/plans/$id.json
'

test_expect_success 'plan id: the same for the same policy and state' '
	(cd repo/main && jvs-gc-plan --keep-daily 4 -q) >id1 &&
	(cd repo/main && jvs-gc-plan --keep-daily 4 -q) >id2 &&
	(cd repo && jvs-gc-plan --keep-daily 4 -q) >id3 &&
	test_cmp id1 id2 &&
	test_cmp id1 id3 &&
	grep "^[0-9a-f]\{16\}$" id1
'

test_expect_success 'plan id: differs with the policy even for the same candidates' '
	cands repo $NOW --keep-tag release >c1 &&
	cp plan.json p1.json &&
	cands repo $NOW --keep-within 3d >c2 &&
	test_cmp c1 c2 &&
	a=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[\"plan_id\"])" p1.json) &&
	b=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[\"plan_id\"])" plan.json) &&
	test "$a" != "$b"
'

test_expect_success 'the plan file records policy, candidates and created_at' '
	cands repo $NOW --keep-daily 4 >/dev/null &&
	id=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[\"plan_id\"])" plan.json) &&
	python3 - repo/.jvs/gc/plans/$id.json plan.json <<-\EOF
	import json, sys
	saved, shown = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
	assert saved["policy"] == {"keep_daily": 4}
	assert saved["candidates"] == shown["candidates"]
	assert saved["created_at"] == "2024-03-05T12:00:00.000Z"
	EOF
'

test_expect_success '--policy NAME uses a saved policy from config.json' '
	python3 - repo/.jvs/config.json <<-\EOF &&
	import json, sys
	cfg = json.load(open(sys.argv[1]))
	cfg["gc_policies"] = {"nightly": {"keep_daily": 4},
	                      "mixed": {"keep_daily": 2, "keep_monthly": 3, "keep_tags": ["weekly"]}}
	json.dump(cfg, open(sys.argv[1], "w"), indent=2)
	EOF
	echo "a b c d e f" >expect &&
	cands repo $NOW --policy nightly >actual &&
	test_cmp expect actual &&
	echo "a b d e f" >expect &&
	cands repo $NOW --policy mixed >actual &&
	test_cmp expect actual &&
	python3 -c "import json,sys; assert json.load(open(sys.argv[1]))[\"policy_name\"] == \"mixed\"" plan.json &&
	echo "a b d e f" >expect &&
	cands repo $NOW --policy nightly --keep-tag weekly --keep-daily 2 --keep-monthly 3 >actual &&
	test_cmp expect actual
'

test_expect_success '--policy with an unknown name is E_NOT_FOUND' '
	(cd repo/main && test_must_fail --exit=3 jvs-gc-plan --policy nope) 2>err &&
	grep E_NOT_FOUND err &&
	grep nightly err
'

test_expect_success 'bad policy values are usage errors' '
	(cd repo/main && test_must_fail --exit=2 jvs-gc-plan --keep-daily 0) &&
	(cd repo/main && test_must_fail --exit=2 jvs-gc-plan --keep-daily x) &&
	(cd repo/main && test_must_fail --exit=2 jvs-gc-plan --keep-within 3x) &&
	(cd repo/main && test_must_fail --exit=2 jvs-gc-plan --keep-tag "a b") &&
	(cd repo/main && test_must_fail --exit=2 jvs-gc-plan extra)
'

test_expect_success 'a new snapshot changes the plan id' '
	(cd repo/main && JVS_TEST_NOW_MS=$(ms_of $NOW) jvs-gc-plan --keep-last 3 -q) >before &&
	snap repo k 2024-03-04T12:00:00Z &&
	(cd repo/main && JVS_TEST_NOW_MS=$(ms_of $NOW) jvs-gc-plan --keep-last 3 -q) >after &&
	! test_cmp before after
'

# Default policy: p1 <- p2(tag keep) <- p3 <- p4, then main goes back to p1
# and continues with q1, leaving p2..p4 on an abandoned line.
test_expect_success 'setup: an abandoned line of history' '
	jvs-init dflt >/dev/null &&
	snap dflt p1 2024-01-01T00:00:00Z &&
	snap dflt p2 2024-01-02T00:00:00Z --tag keep &&
	snap dflt p3 2024-01-03T00:00:00Z &&
	snap dflt p4 2024-01-04T00:00:00Z &&
	p1=$(id_of dflt p1) &&
	(cd dflt/main && jvs-restore "$p1") >/dev/null &&
	snap dflt q1 2024-01-04T01:00:00Z
'

test_expect_success 'default policy deletes only old untagged orphans' '
	echo "p3 p4" >expect &&
	cands dflt 2024-01-10T00:00:00Z >actual &&
	test_cmp expect actual &&
	test "$(reasons dflt p2)" = "tagged" &&
	test "$(reasons dflt p1)" = "lineage"
'

test_expect_success 'default policy keeps the young and their ancestors' '
	echo >expect &&
	cands dflt 2024-01-04T23:00:00Z >actual &&
	test_cmp expect actual &&
	test "$(reasons dflt p4)" = "recent" &&
	test "$(reasons dflt p3)" = "lineage" &&
	echo "p3 p4" >expect &&
	cands dflt 2024-01-05T00:00:01Z >actual &&
	test_cmp expect actual
'

test_expect_success 'snapshots named by an intent are never candidates' '
	printf "{\"operation\": \"restore\", \"nested\": {\"ids\": [\"%s\"]}}\n" \
		"$(id_of dflt p4)" >dflt/.jvs/intents/restore-x.json &&
	echo >expect &&
	cands dflt 2024-01-10T00:00:00Z >actual &&
	test_cmp expect actual &&
	test "$(reasons dflt p4)" = "intent" &&
	echo "p1 p2 p3" >expect &&
	cands dflt 2024-01-10T00:00:00Z --keep-last 1 >actual &&
	test_cmp expect actual &&
	rm dflt/.jvs/intents/restore-x.json &&
	printf "not json %s\n" "$(id_of dflt p3)" >dflt/.jvs/intents/snapshot-y.json &&
	echo "p1 p2 p4" >expect &&
	cands dflt 2024-01-10T00:00:00Z --keep-last 1 >actual &&
	test_cmp expect actual &&
	rm dflt/.jvs/intents/snapshot-y.json
'

test_expect_success 'with policy flags ancestors are not kept for their children' '
	echo "p1 p3 p4" >expect &&
	cands dflt 2024-01-10T00:00:00Z --keep-tag keep >actual &&
	test_cmp expect actual
'

test_done
