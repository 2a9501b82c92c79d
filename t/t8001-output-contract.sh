#!/bin/sh

test_description='output contract: --json parses with jq, --format tsv and id are stable for cut/awk, errors in both modes'

. "$(dirname "$0")/test-lib.sh"

if command -v jq >/dev/null 2>&1; then
	test_set_prereq JQ
fi

TAB=$(printf '\t')
ID_RE='^[0-9]\{13\}-[0-9a-f]\{8\}$'

test_expect_success 'setup: snapshots, tags, a second worktree, a pin' '
	jvs init repo >/dev/null &&
	(cd repo/main && echo one >a && jvs snapshot "first note" --tag v1 >/dev/null &&
	 echo two >a && jvs snapshot "second	tabbed" --tag v2 --tag release >/dev/null &&
	 jvs worktree fork v1 side >/dev/null &&
	 jvs pin add v1 --reason "keep	me" >/dev/null)
'

for cmd in "history" "history --all" "history --tags" "worktree list" "pin list" \
	"gc plan" "info" "status" "diff" "verify" "verify --all" "doctor"; do
	test_expect_success JQ "jvs $cmd --json is valid JSON" "
		(cd repo/main && jvs $cmd --json >../../out.json) &&
		jq -e . out.json >/dev/null
	"
done

test_expect_success JQ 'history --json: one object per snapshot with snapshot_id' '
	(cd repo/main && jvs history --json) | jq -r ".[].snapshot_id" >ids &&
	test_line_count = 2 ids &&
	(cd repo/main && jvs history --format id) >ids.id &&
	test_cmp ids ids.id
'

test_expect_success 'history --format tsv: six tab-separated fields, escaped note' '
	(cd repo/main && jvs history --format tsv) >h.tsv &&
	test_line_count = 2 h.tsv &&
	awk -F "\t" "NF != 6 { exit 1 }" h.tsv &&
	cut -f1 h.tsv | grep -c "$ID_RE" >n && echo 2 >n.expect && test_cmp n.expect n &&
	cut -f6 h.tsv | grep -F "second\\ttabbed"
'

test_expect_success 'history --tags lists distinct tags, sorted' '
	printf "release\nv1\nv2\n" >expect &&
	jvs -C repo history --tags >actual &&
	test_cmp expect actual
'

test_expect_success 'worktree list: --format id, -q and tsv agree' '
	printf "main\nside\n" >expect &&
	jvs -C repo worktree list --format id >actual && test_cmp expect actual &&
	jvs -C repo worktree list -q >actual && test_cmp expect actual &&
	jvs -C repo worktree list --format tsv >wt.tsv &&
	cut -f1 wt.tsv >actual && test_cmp expect actual &&
	awk -F "\t" "NF != 5 { exit 1 }" wt.tsv
'

test_expect_success JQ 'worktree list --json names the worktrees' '
	jvs -C repo worktree list --json | jq -r ".[].name" >actual &&
	printf "main\nside\n" >expect && test_cmp expect actual
'

test_expect_success 'pin list: --format id and tsv' '
	jvs -C repo pin list --format id >pins && test_line_count = 1 pins &&
	jvs -C repo pin list --format tsv >pins.tsv &&
	awk -F "\t" "NF != 6 { exit 1 }" pins.tsv &&
	cut -f1 pins.tsv >actual && test_cmp pins actual &&
	cut -f6 pins.tsv | grep -F "keep\\tme"
'

test_expect_success JQ 'pin list --json has pin_id and snapshot_id' '
	jvs -C repo pin list --json | jq -e ".[0].pin_id and .[0].snapshot_id" >/dev/null
'

test_expect_success 'gc plan: --format id and tsv list the candidates' '
	(cd repo/main && echo three >a && jvs snapshot third >/dev/null) &&
	jvs -C repo gc plan --keep-last 1 --format id >cand &&
	jvs -C repo gc plan --keep-last 1 --format tsv >cand.tsv &&
	cut -f2 cand.tsv >actual && test_cmp cand actual &&
	awk -F "\t" "NF != 5 { exit 1 }" cand.tsv
'

test_expect_success JQ 'gc plan --json: documented fields' '
	jvs -C repo gc plan --keep-last 1 --json >plan.json &&
	jq -e "has(\"plan_id\") and has(\"candidate_count\") and has(\"candidates\") and has(\"deletable_bytes_estimate\")" plan.json >/dev/null &&
	jq -r ".candidates[]" plan.json >actual &&
	test_cmp cand actual
'

test_expect_success 'an unknown --format is a usage error' '
	test_must_fail --exit=2 jvs -C repo worktree list --format xml 2>err &&
	grep "E_USAGE" err
'

test_expect_success JQ '--json errors: {"error":{"class","message"}} on stdout, text on stderr' '
	(cd repo/main && test_must_fail --exit=3 jvs restore nosuchthing --json >../../err.json 2>../../err.txt) &&
	jq -e ".error.class == \"E_NOT_FOUND\" and (.error.message | length > 0)" err.json >/dev/null &&
	grep "^jvs-restore: E_NOT_FOUND: " err.txt &&
	test_must_fail --exit=1 jvs -C / info --json >err.json 2>/dev/null &&
	jq -e ".error.class == \"E_NOT_A_REPO\"" err.json >/dev/null &&
	test_must_fail --exit=2 jvs -C repo worktree create "bad/name" --json >err.json 2>/dev/null &&
	jq -e ".error.class == \"E_NAME_INVALID\"" err.json >/dev/null
'

test_expect_success 'errors without --json: stderr only, stdout empty' '
	(cd repo/main && test_must_fail --exit=3 jvs restore nosuchthing >out 2>err) &&
	test ! -s repo/main/out &&
	grep "^jvs-restore: E_NOT_FOUND: " repo/main/err
'

test_expect_success 'no colour codes when stdout is not a TTY' '
	(cd repo/main && TERM=xterm jvs restore --discard v1 >../../r.out) &&
	grep DETACHED r.out &&
	! grep "$(printf "\\033")" r.out
'

test_expect_success JQ 'commands that change things print JSON too' '
	jvs init --json r2 | jq -e ".repo_root" >/dev/null &&
	(cd r2/main && echo a >a &&
	 jvs snapshot --json s1 --tag t1 | jq -e ".snapshot_id" >/dev/null &&
	 echo b >a && jvs snapshot -q s2 >/dev/null &&
	 jvs restore --json t1 | jq -e ".detached == true" >/dev/null &&
	 jvs worktree fork --json t1 w1 | jq -e ".name == \"w1\"" >/dev/null &&
	 jvs worktree create --json w2 | jq -e ".name == \"w2\"" >/dev/null &&
	 jvs worktree rename --json w2 w3 | jq -e ".new_name == \"w3\"" >/dev/null &&
	 jvs worktree path --json w3 | jq -e ".path" >/dev/null &&
	 jvs worktree remove --json w3 | jq -e ".removed == \"w3\"" >/dev/null &&
	 pin=$(jvs pin add --json t1 | jq -r ".pin_id") &&
	 jvs pin remove --json "$pin" | jq -e ".removed[0] == \"$pin\"" >/dev/null &&
	 plan=$(jvs gc plan --json --keep-last 1 | jq -r ".plan_id") &&
	 jvs gc run --json --plan-id "$plan" | jq -e ".plan_id == \"$plan\"" >/dev/null)
'

test_done
