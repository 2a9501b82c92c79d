#!/bin/sh

test_description='jvs history: order, [HEAD], --limit, --grep, --tag, formats, --all, lineage'

. "$(dirname "$0")/test-lib.sh"

ID_RE='[0-9]\{13\}-[0-9a-f]\{8\}'
SHORT_RE='[0-9a-f]\{8\}' # the short id history prints

hist () {
	(cd repo/main && jvs-history "$@")
}

if command -v jvs-worktree-fork >/dev/null 2>&1
then
	test_set_prereq WORKTREE_FORK
fi
if command -v jvs-restore >/dev/null 2>&1
then
	test_set_prereq RESTORE
fi

test_expect_success 'history with no snapshots prints nothing and exits 0' '
	jvs-init repo >/dev/null &&
	hist >out &&
	test ! -s out &&
	hist --format id >out &&
	test ! -s out &&
	hist --format tsv >out &&
	test ! -s out &&
	hist --json >out &&
	python3 -c "import json, sys; assert json.load(open(sys.argv[1])) == []" out &&
	(cd repo && jvs-history --all) >out &&
	test ! -s out
'

test_expect_success 'setup: five snapshots' '
	for n in "baseline:base" "Train model A:exp1" "train model B:exp2" "evaluate:release"
	do
		echo "$n" >repo/main/f &&
		(cd repo/main && jvs-snapshot -q "${n%%:*}" --tag "${n##*:}") ||
			echo "$n" >>failed
	done >created &&
	echo last >repo/main/f &&
	(cd repo/main && jvs-snapshot -q) >>created &&
	test ! -e failed &&
	test $(wc -l <created) -eq 5 &&
	sed -n 1p created >base.id &&
	sed -n 2p created >exp1.id &&
	sed -n 3p created >exp2.id &&
	sed -n 4p created >release.id &&
	sed -n 5p created >last.id &&
	tac created >newest-first
'

test_expect_success 'default order is newest first' '
	hist --format id >actual &&
	test_cmp newest-first actual &&
	hist >text &&
	cut -d " " -f 1 text >actual &&
	cut -c15- newest-first >expect &&
	test_cmp expect actual
'

test_expect_success 'the latest snapshot is marked [HEAD], and only it' '
	hist >text &&
	test $(grep -c "\[HEAD\]" text) -eq 1 &&
	head -n 1 text | grep "^$(cut -c15- last.id) .*\[HEAD\]" &&
	! grep DETACHED text
'

test_expect_success 'text lines show notes and tags; an empty note is shown as such' '
	hist >text &&
	grep "^$(cut -c15- exp1.id) .*Train model A.*exp1" text &&
	grep "^$(cut -c15- release.id) .*evaluate.*release" text &&
	head -n 1 text | grep "(no note)"
'

test_expect_success '--limit N prints N lines' '
	hist --limit 2 >out &&
	test $(wc -l <out) -eq 2 &&
	head -n 2 text >expect &&
	test_cmp expect out &&
	hist --limit 1 --format id >out &&
	test_cmp last.id out &&
	hist --limit 100 --format id >out &&
	test_cmp newest-first out &&
	hist -n 3 --format id >out &&
	test $(wc -l <out) -eq 3 &&
	(cd repo && jvs-history --all --limit 2 --format id) >out &&
	head -n 2 newest-first >expect &&
	test_cmp expect out
'

test_expect_success '--limit rejects 0, negatives and non-numbers' '
	test_must_fail --exit=2 hist --limit 0 2>err &&
	grep E_USAGE err &&
	test_must_fail --exit=2 hist --limit -1 2>err &&
	test_must_fail --exit=2 hist --limit abc 2>err &&
	test_must_fail --exit=2 hist --limit "" 2>err &&
	test_must_fail --exit=2 hist --limit 2x 2>err
'

test_expect_success '--grep matches notes case-insensitively' '
	hist --grep train --format id >actual &&
	cat exp2.id exp1.id >expect &&
	test_cmp expect actual &&
	hist --grep TRAIN --format id >actual &&
	test_cmp expect actual &&
	hist --grep "model a" --format id >actual &&
	test_cmp exp1.id actual &&
	hist --grep nothing-like-this --format id >actual &&
	test ! -s actual
'

test_expect_success '--tag matches a tag exactly' '
	hist --tag exp1 --format id >actual 2>err &&
	test_cmp exp1.id actual &&
	! grep note err &&
	hist --tag release --format id >actual &&
	test_cmp release.id actual
'

test_expect_success '--tag with a glob' '
	hist --tag "exp*" --format id >actual 2>err &&
	cat exp2.id exp1.id >expect &&
	test_cmp expect actual &&
	! grep "note:" err &&
	hist --tag "exp[1]" --format id >actual &&
	test_cmp exp1.id actual &&
	hist --tag "?ase" --format id >actual &&
	test_cmp base.id actual
'

test_expect_success '--tag falls back to a prefix match, with a note on stderr' '
	hist --tag exp --format id >actual 2>err &&
	cat exp2.id exp1.id >expect &&
	test_cmp expect actual &&
	grep "exp" err &&
	hist --tag rel >actual 2>err &&
	grep "^$(cut -c15- release.id) " actual &&
	test -s err
'

test_expect_success '--tag that matches nothing prints nothing and exits 0' '
	hist --tag zzz --format id >actual &&
	test ! -s actual &&
	hist --tag "zz*" >actual &&
	test ! -s actual
'

test_expect_success '--tag and --grep combine' '
	hist --tag "exp*" --grep "model b" --format id >actual &&
	test_cmp exp2.id actual
'

test_expect_success '--format tsv: id, created_at, worktree, parent, tags, note' '
	hist --format tsv >tsv &&
	test $(wc -l <tsv) -eq 5 &&
	cut -f 1 tsv >actual &&
	test_cmp newest-first actual &&
	awk -F "\t" "NF != 6 { print \"bad line: \" \$0; bad = 1 } END { exit bad }" tsv &&
	grep "^$(cat base.id)	[0-9-]*T[0-9:.]*Z	main	-	base	baseline\$" tsv &&
	grep "^$(cat exp1.id)	[^	]*	main	$(cat base.id)	exp1	Train model A\$" tsv
'

test_expect_success '--format tsv escapes tabs and newlines in notes' '
	jvs-init esc >/dev/null &&
	(cd esc/main && jvs-snapshot -q "$(printf "a\tb\nc\\\\d")") >/dev/null &&
	(cd esc/main && jvs-history --format tsv) >tsv &&
	test $(wc -l <tsv) -eq 1 &&
	cut -f 6 tsv >actual &&
	printf "%s\n" "a\\tb\\nc\\\\d" >expect &&
	test_cmp expect actual
'

test_expect_success '--format json and --json: arrays of descriptors, newest first' '
	hist --format json >j1 &&
	hist --json >j2 &&
	test_cmp j1 j2 &&
	python3 - j1 newest-first <<-\EOF
	import json, sys
	raw = open(sys.argv[1]).read()
	arr = json.loads(raw)
	ids = [l.strip() for l in open(sys.argv[2])]
	assert [d["snapshot_id"] for d in arr] == ids, arr
	assert raw.count("\"snapshot_id\"") == len(ids), "one snapshot_id key per snapshot"
	lines = raw.split("\n")
	assert lines[0] == "[" and lines[1] == "  {", lines[:2]
	assert lines[2].startswith("    \"snapshot_id\": \""), lines[2]
	assert raw.endswith("]\n")
	for d in arr:
	    assert set(d) == {"snapshot_id", "worktree_name", "parent_id", "created_at", "note",
	                      "tags", "engine", "hash_algorithm", "payload_root_hash",
	                      "file_count", "total_bytes", "degraded", "integrity_state",
	                      "descriptor_checksum"}, sorted(d)
	EOF
'

test_expect_success '--json honours --limit and filters' '
	hist --json --limit 2 >j &&
	test $(grep -c "\"snapshot_id\"" j) -eq 2 &&
	hist --json --tag "exp*" >j &&
	test $(grep -c "\"snapshot_id\"" j) -eq 2
'

test_expect_success '--format id prints bare ids' '
	hist --format id >ids &&
	! grep -v "^$ID_RE\$" ids
'

test_expect_success 'an unknown --format is a usage error' '
	test_must_fail --exit=2 hist --format yaml 2>err &&
	grep E_USAGE err &&
	test_must_fail --exit=2 hist extra-arg 2>err &&
	grep E_USAGE err
'

test_expect_success '--all works from the repository root' '
	(cd repo && jvs-history --all --format id) >actual &&
	test_cmp newest-first actual &&
	(cd repo && jvs-history --all) >text &&
	test $(wc -l <text) -eq 5
'

test_expect_success 'at the repository root, history lists every snapshot (Example 3)' '
	(cd repo && jvs-history --format id) >actual 2>err &&
	(cd repo && jvs-history --all --format id) >expect &&
	test_cmp expect actual &&
	grep "not in a worktree" err
'

test_expect_success '-w main from the root gives the lineage of main' '
	(cd repo && jvs-history -w main --format id) >actual &&
	test_cmp newest-first actual
'

test_expect_success 'history is read-only' '
	(cd repo && find .jvs -path .jvs/index.sqlite -prune -o -printf "%p %s %T@\n" |
		LC_ALL=C sort) >before &&
	hist >/dev/null && hist --all --json >/dev/null && hist --tag exp >/dev/null 2>&1 &&
	(cd repo && find .jvs -path .jvs/index.sqlite -prune -o -printf "%p %s %T@\n" |
		LC_ALL=C sort) >after &&
	test_cmp before after
'

test_expect_success RESTORE 'detached: one DETACHED marker line, [HEAD] stays on latest' '
	base=$(cat base.id) &&
	(cd repo/main && jvs-restore "$base" >/dev/null 2>&1) &&
	hist >text &&
	test $(grep -c "^DETACHED" text) -eq 1 &&
	grep "^$(cut -c15- last.id) .*\[HEAD\]" text &&
	grep "^$(cut -c15- base.id) .*DETACHED" text &&
	test $(grep -c "\[HEAD\]" text) -eq 1 &&
	hist --format id >ids &&
	test_cmp newest-first ids
'

test_expect_success RESTORE 'detached: --limit N prints N lines plus at most one marker line' '
	hist --limit 2 >out &&
	test $(wc -l <out) -le 3 &&
	test $(grep -c "^$SHORT_RE " out) -eq 2 &&
	test $(grep -v "^$SHORT_RE " out | wc -l) -le 1 &&
	hist --limit 2 --format id >out &&
	test $(wc -l <out) -eq 2 &&
	hist --limit 2 --format tsv >out &&
	test $(wc -l <out) -eq 2 &&
	hist --limit 2 --json >out &&
	test $(grep -c "\"snapshot_id\"" out) -eq 2
'

test_expect_success RESTORE 'back at HEAD: no DETACHED marker' '
	(cd repo/main && jvs-restore HEAD >/dev/null 2>&1) &&
	hist >text &&
	! grep DETACHED text &&
	cut -d " " -f 1 text >actual &&
	cut -c15- newest-first >expect &&
	test_cmp expect actual
'

test_expect_success WORKTREE_FORK 'setup: another worktree with its own snapshot' '
	(cd repo/main && jvs-worktree-fork other >/dev/null) &&
	test -d repo/worktrees/other &&
	echo other >repo/worktrees/other/o &&
	(cd repo/worktrees/other && jvs-snapshot -q "on other") >other.id
'

test_expect_success WORKTREE_FORK 'default history shows only the lineage' '
	hist --format id >actual &&
	test_cmp newest-first actual &&
	! grep -F -f other.id actual &&
	(cd repo/worktrees/other && jvs-history --format id) >other-hist &&
	head -n 1 other-hist >first &&
	test_cmp other.id first &&
	tail -n +2 other-hist >rest &&
	test_cmp newest-first rest
'

test_expect_success WORKTREE_FORK '--all includes every worktree' '
	(cd repo && jvs-history --all --format id) >actual &&
	grep -F -f other.id actual &&
	test $(wc -l <actual) -eq 6 &&
	(cd repo && jvs-history --all) >text &&
	grep "^$(cut -c15- other.id) .*other" text
'

test_done
