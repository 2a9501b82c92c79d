#!/bin/sh

test_description='audit records of any size, and one audit check for all

The audit log is appended by reading the hash of its last record. That
record can be larger than any fixed window (a 64 KiB note, hundreds of
tags, a gc run listing thousands of snapshots): later mutating commands
must still work. A note is bounded (64 KiB, E_USAGE beyond). Whenever a
mutating command refuses because of the audit log, doctor and verify --all
report the same finding, and doctor --repair audit_repair heals it.'

. "$(dirname "$0")/test-lib.sh"

# note N: N bytes of printable text
note () {
	head -c "$1" /dev/zero | tr '\0' n
}

test_expect_success 'setup' '
	jvs init r >/dev/null &&
	echo a >r/main/a &&
	(cd r/main && jvs snapshot -q first) >id1
'

test_expect_success 'a note of exactly 64 KiB is taken; its record is over 64 KiB' '
	echo b >r/main/a &&
	(cd r/main && jvs snapshot -q "$(note 65536)") >id2 &&
	size=$(tail -n 1 r/.jvs/audit/audit.jsonl | wc -c) &&
	test "$size" -gt 65536
'

test_expect_success 'mutating commands still work after the oversized record' '
	echo c >r/main/a &&
	(cd r/main && jvs snapshot -q third) >id3 &&
	(cd r/main && jvs pin add "$(cat ../../id3)" --reason keep) >/dev/null &&
	(cd r/main && jvs restore -q "$(cat ../../id1)") &&
	(cd r/main && jvs restore -q HEAD) &&
	(cd r && jvs worktree fork -q "$(cat ../id2)" f) &&
	(cd r && jvs worktree remove -q f)
'

test_expect_success 'doctor and verify --all agree that the log is healthy' '
	(cd r && jvs doctor) >out &&
	grep "Repository is healthy" out &&
	(cd r && jvs verify --all) >out &&
	grep "^OK audit chain" out
'

test_expect_success 'a note over 64 KiB is E_USAGE (exit 2) and changes nothing' '
	cp r/.jvs/audit/audit.jsonl audit.before &&
	ls r/.jvs/descriptors >desc.before &&
	echo d >r/main/a &&
	(cd r/main && test_must_fail --exit=2 jvs snapshot "$(note 65537)") 2>err &&
	grep "E_USAGE" err &&
	grep "65536" err &&
	ls r/.jvs/descriptors >desc.after &&
	test_cmp desc.before desc.after &&
	test_cmp audit.before r/.jvs/audit/audit.jsonl
'

test_expect_success 'a pin reason over 64 KiB is E_USAGE too' '
	(cd r/main && test_must_fail --exit=2 jvs pin add "$(cat ../../id1)" \
		--reason "$(note 65537)") 2>err &&
	grep "E_USAGE" err
'

test_expect_success 'a snapshot whose record is 128 KB (1000 tags) is followed by more' '
	tags= &&
	i=0 &&
	while [ $i -lt 1000 ]
	do
		tags="$tags --tag t$i-$(note 120)" &&
		i=$((i + 1)) || return 1
	done &&
	echo e >r/main/a &&
	(cd r/main && jvs snapshot -q many $tags) >id4 &&
	size=$(tail -n 1 r/.jvs/audit/audit.jsonl | wc -c) &&
	test "$size" -gt 120000 &&
	echo f >r/main/a &&
	(cd r/main && jvs snapshot -q after-many) >id5 &&
	tail -n 1 r/.jvs/audit/audit.jsonl | grep -q "\"prev_hash\":\"$(tail -n 2 r/.jvs/audit/audit.jsonl | head -n 1 | sed "s/.*\"record_hash\":\"\([0-9a-f]*\)\".*/\1/")\"" &&
	(cd r && jvs verify --all) >out &&
	grep "^OK audit chain" out &&
	(cd r && jvs doctor) >out &&
	grep "Repository is healthy" out
'

test_expect_success 'a gc run record listing the snapshots it deleted is followed by more commands' '
	jvs init g >/dev/null &&
	i=0 &&
	while [ $i -lt 40 ]
	do
		echo $i >g/main/f &&
		(cd g/main && jvs snapshot -q "s$i") >/dev/null &&
		i=$((i + 1)) || return 1
	done &&
	(cd g && jvs gc plan --keep-last 1 --json) >plan.json &&
	plan=$(sed -n "s/.*\"plan_id\": *\"\([^\"]*\)\".*/\1/p" plan.json | head -n 1) &&
	test -n "$plan" &&
	(cd g && jvs gc run --plan-id "$plan") >/dev/null &&
	echo x >g/main/f &&
	(cd g/main && jvs snapshot -q after-gc) >/dev/null &&
	(cd g && jvs doctor) >out &&
	grep "Repository is healthy" out
'

test_expect_success 'an unreadable last record: the command refuses, doctor and verify say why' '
	cp -R r broken &&
	printf "{\"truncated\":" >>broken/.jvs/audit/audit.jsonl &&
	echo g >broken/main/a &&
	(cd broken/main && test_must_fail --exit=4 jvs snapshot -q refused) 2>err &&
	grep "E_AUDIT_CHAIN_BROKEN" err &&
	grep "last audit record is unreadable" err &&
	(cd broken && test_must_fail --exit=4 jvs doctor) >out &&
	grep "^error	audit_chain_broken	audit log ends with a partial record	audit_repair$" out &&
	(cd broken && test_must_fail --exit=4 jvs verify --all) >out &&
	grep "FAIL audit E_AUDIT_CHAIN_BROKEN audit log ends with a partial record" out
'

test_expect_success 'doctor --repair audit_repair heals what made the command refuse' '
	(cd broken && jvs doctor --repair audit_repair) >out &&
	grep "^repaired	" out &&
	grep "Repository is healthy" out &&
	ls broken/.jvs/audit/audit.jsonl.broken-* &&
	(cd broken/main && jvs snapshot -q accepted) >/dev/null &&
	(cd broken && jvs verify --all) >out &&
	grep "^OK audit chain" out
'

test_expect_success 'an oversized last record that is damaged is found and healed the same way' '
	cp -R r big &&
	(cd big/main && jvs snapshot -q "$(note 65536)") >/dev/null &&
	# cut the oversized record in half: it no longer parses
	size=$(wc -c <big/.jvs/audit/audit.jsonl) &&
	truncate -s $((size - 40000)) big/.jvs/audit/audit.jsonl &&
	(cd big/main && test_must_fail --exit=4 jvs snapshot -q refused) 2>err &&
	grep "E_AUDIT_CHAIN_BROKEN" err &&
	(cd big && test_must_fail --exit=4 jvs doctor) >out &&
	grep "audit_chain_broken" out &&
	(cd big && jvs doctor --repair audit_repair) >out &&
	grep "Repository is healthy" out &&
	(cd big/main && jvs snapshot -q accepted) >/dev/null
'

test_done
