#!/bin/sh

test_description='jvs history -- PATH, jvs diff -- PATH and jvs diff -p'

. "$(dirname "$0")/test-lib.sh"

in_main () {
	(cd repo/main && "$@")
}

snap () {
	in_main jvs snapshot -q "$1" >"id.$1"
}

# the ids and letter lines of a text listing, one "ID" or "L PATH" a line
brief () {
	sed -n -e 's/^\([0-9a-f][0-9a-f-]*\)  .*/\1/p' -e 's/^    \([AMD]\)  /\1 /p' "$@"
}

test_expect_success 'setup: a file added, changed, left alone, removed' '
	jvs init -q repo >/dev/null &&
	echo 1 >repo/main/a.txt &&
	mkdir -p repo/main/dir/sub &&
	echo x >repo/main/dir/x &&
	echo o >repo/main/other &&
	snap s1 &&
	echo 2 >repo/main/a.txt &&
	snap s2 &&
	echo o2 >repo/main/other &&
	snap s3 &&
	echo y >repo/main/dir/sub/y &&
	snap s4 &&
	rm repo/main/a.txt &&
	snap s5 &&
	snap s6
'

test_expect_success 'history -- FILE: A, M, D newest first; unchanged snapshots left out' '
	in_main jvs history -- a.txt >out &&
	brief out >actual &&
	printf "%s\nD a.txt\n%s\nM a.txt\n%s\nA a.txt\n" \
		"$(cut -c15- id.s5)" "$(cut -c15- id.s2)" "$(cut -c15- id.s1)" >expect &&
	test_cmp expect actual &&
	in_main jvs history -- other >out &&
	brief out >actual &&
	printf "%s\nM other\n%s\nA other\n" "$(cut -c15- id.s3)" "$(cut -c15- id.s1)" >expect &&
	test_cmp expect actual
'

test_expect_success 'a path that never existed: nothing, a note on stderr, exit 0' '
	in_main jvs history -- nosuch >out 2>err &&
	test ! -s out &&
	grep "no snapshot changes these paths" err
'

test_expect_success 'a directory path covers every entry below it' '
	in_main jvs history -- dir >out &&
	brief out >actual &&
	printf "%s\nM dir\n%s\nA dir\n" "$(cut -c15- id.s4)" "$(cut -c15- id.s1)" >expect &&
	test_cmp expect actual &&
	in_main jvs history -- dir/sub/y >out &&
	brief out >actual &&
	printf "%s\nA dir/sub/y\n" "$(cut -c15- id.s4)" >expect &&
	test_cmp expect actual &&
	in_main jvs history -- . >out &&
	test $(brief out | grep -c "^M \\.\$") -eq 4
'

test_expect_success 'several paths: a snapshot shown once, a letter per changed path' '
	in_main jvs history -- other a.txt a.txt >out &&
	brief out >actual &&
	printf "%s\nD a.txt\n%s\nM other\n%s\nM a.txt\n%s\nA a.txt\nA other\n" \
		"$(cut -c15- id.s5)" "$(cut -c15- id.s3)" "$(cut -c15- id.s2)" "$(cut -c15- id.s1)" >expect &&
	test_cmp expect actual
'

test_expect_success 'paths are relative to the current directory' '
	(cd repo/main/dir/sub && jvs history -- y ../x) >out &&
	brief out >actual &&
	printf "%s\nA dir/sub/y\n%s\nA dir/x\n" "$(cut -c15- id.s4)" "$(cut -c15- id.s1)" >expect &&
	test_cmp expect actual &&
	(cd repo/main/dir && jvs history -- "$PWD/../a.txt") >out &&
	test $(brief out | grep -c "a.txt") -eq 3
'

test_expect_success 'a path outside the worktree: E_PATH_ESCAPE, exit 2, no listing' '
	test_must_fail --exit=2 in_main jvs history -- ../x >out 2>err &&
	grep "E_PATH_ESCAPE" err &&
	test ! -s out &&
	test_must_fail --exit=2 in_main jvs history -- a.txt /etc/passwd 2>err &&
	grep "E_PATH_ESCAPE: .*/etc/passwd" err &&
	test_must_fail --exit=2 in_main jvs history -- 2>err &&
	grep E_USAGE err
'

test_expect_success '--limit counts the snapshots that changed the path; --format id and tsv' '
	in_main jvs history --limit 2 -- a.txt >out &&
	test $(brief out | grep -c "^[0-9a-f]") -eq 2 &&
	in_main jvs history --format id -- a.txt >actual &&
	printf "%s\n%s\n%s\n" "$(cat id.s5)" "$(cat id.s2)" "$(cat id.s1)" >expect &&
	test_cmp expect actual &&
	in_main jvs history --format tsv -- a.txt other >out &&
	test $(wc -l <out) -eq 5 &&
	awk -F"\t" "NF != 8 { exit 1 }" out &&
	grep "^$(cat id.s1)	.*	A	other\$" out &&
	grep "^$(cat id.s5)	.*	D	a.txt\$" out
'

test_expect_success '--json: path_changes on each snapshot' '
	in_main jvs history --json -- a.txt dir >out &&
	python3 -c "
import json, sys
v = json.load(open(\"out\"))
got = [(d[\"note\"], [(c[\"path\"], c[\"change\"]) for c in d[\"path_changes\"]]) for d in v]
want = [(\"s5\", [(\"a.txt\", \"D\")]), (\"s4\", [(\"dir\", \"M\")]), (\"s2\", [(\"a.txt\", \"M\")]),
        (\"s1\", [(\"a.txt\", \"A\"), (\"dir\", \"A\")])]
assert got == want, got
"
'

test_expect_success 'a fork: its history includes the ancestors changes to the path' '
	in_main jvs worktree fork f1 >/dev/null &&
	f1=$(in_main jvs worktree path f1) &&
	echo f >"$f1/other" &&
	(cd "$f1" && jvs snapshot -q fork-change) >id.fork &&
	(cd "$f1" && jvs history -- other) >out &&
	brief out >actual &&
	printf "%s\nM other\n%s\nM other\n%s\nA other\n" \
		"$(cut -c15- id.fork)" "$(cut -c15- id.s3)" "$(cut -c15- id.s1)" >expect &&
	test_cmp expect actual &&
	in_main jvs history -- other >out &&
	! grep "$(cut -c15- id.fork)" out
'

test_expect_success 'after a restore the next snapshot has the restored one as parent' '
	in_main jvs restore -q "$(cat id.s2)" &&
	echo 3 >repo/main/a.txt &&
	snap s7 &&
	in_main jvs history -- a.txt >out &&
	brief out >actual &&
	printf "%s\nM a.txt\n%s\nM a.txt\n%s\nA a.txt\n" \
		"$(cut -c15- id.s7)" "$(cut -c15- id.s2)" "$(cut -c15- id.s1)" >expect &&
	test_cmp expect actual
'

test_expect_success '--all: every snapshot that changed the path, every line of history' '
	in_main jvs history --all -- a.txt other >out &&
	for s in s7 s5 s3 s2 s1 fork; do grep "^$(cut -c15- id.$s)  " out || return 1; done &&
	! grep "^$(cut -c15- id.s4)  " out &&
	(cd repo && jvs history --all -- a.txt) >out2 &&
	test $(brief out2 | grep -c "^[0-9a-f]") -eq 4
'

test_expect_success 'a lineage pruned by gc: the end compared with the empty tree, the pruned line names the parent' '
	jvs init -q g >/dev/null &&
	for n in 1 2 3 4; do
		if test $n != 3; then echo "f$n" >g/main/f; else echo o >g/main/o; fi &&
		(cd g/main && jvs snapshot -q "g$n") >id.g$n || return 1
	done &&
	plan=$(cd g/main && jvs gc plan -q --keep-last 2) &&
	(cd g/main && jvs gc run --plan-id "$plan") >/dev/null &&
	(cd g/main && jvs history -- f) >out &&
	printf "%s\nM f\n%s\nA f\n" "$(cut -c15- id.g4)" "$(cut -c15- id.g3)" >expect &&
	brief out >actual &&
	test_cmp expect actual &&
	tail -n 1 out >actual &&
	echo "... $(cat id.g2) (pruned) g2" >expect &&
	test_cmp expect actual
'

test_expect_success 'paths with control characters are escaped in text output' '
	name=$(printf "e\033s") &&
	echo e >"repo/main/$name" &&
	snap s8 &&
	in_main jvs history -- "$name" >out &&
	grep "^    A  e\\\\x1bs\$" out &&
	! grep "$(printf "\033")" out &&
	in_main jvs diff -- "$name" >out &&
	! grep "$(printf "\033")" out &&
	grep "A	e\\\\x1bs" out
'

# ---- diff -- PATH ----

test_expect_success 'diff -- PATH: head against its parent, limited to the path' '
	echo 4 >repo/main/a.txt &&
	echo o4 >repo/main/other &&
	snap s9 &&
	in_main jvs diff >out &&
	test $(wc -l <out) -eq 2 &&
	in_main jvs diff -- a.txt >actual &&
	printf "M\ta.txt\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'diff FROM -- PATH: the worktree against a snapshot' '
	echo 5 >repo/main/a.txt &&
	echo o5 >repo/main/other &&
	echo n >repo/main/dir/new &&
	in_main jvs diff HEAD -- dir >actual &&
	printf "A\tdir/new\n" >expect &&
	test_cmp expect actual &&
	(cd repo/main/dir && jvs diff HEAD -- ../a.txt new) >actual &&
	printf "M\ta.txt\nA\tdir/new\n" >expect &&
	test_cmp expect actual &&
	test_must_fail --exit=1 in_main jvs diff -q HEAD -- other &&
	in_main jvs diff -q HEAD -- dir/x
'

test_expect_success 'diff FROM TO -- PATH: two snapshots; --json and --stat' '
	in_main jvs diff "$(cat id.s1)" "$(cat id.s4)" -- dir >actual &&
	printf "A\tdir/sub/y\n" >expect &&
	test_cmp expect actual &&
	in_main jvs diff --stat "$(cat id.s1)" "$(cat id.s5)" -- a.txt dir >actual &&
	echo "1 added, 0 modified, 1 removed" >expect &&
	test_cmp expect actual &&
	in_main jvs diff --json "$(cat id.s1)" "$(cat id.s5)" -- dir/sub >out &&
	python3 -c "
import json
v = json.load(open(\"out\"))
assert v[\"added\"] == [\"dir/sub/y\"] and v[\"removed\"] == [] and v[\"modified\"] == [], v
" &&
	test_must_fail --exit=2 in_main jvs diff HEAD -- ../../x 2>err &&
	grep E_PATH_ESCAPE err
'

# ---- diff -p ----

test_expect_success 'diff -p: a unified diff of a changed text file' '
	git_like_expect="--- a/a.txt
+++ b/a.txt
@@ -1 +1 @@
-4
+5" &&
	printf "%s\n" "$git_like_expect" >expect &&
	in_main jvs diff -p HEAD -- a.txt >actual &&
	test_cmp expect actual &&
	in_main jvs diff --patch "$(cat id.s1)" "$(cat id.s2)" >actual &&
	printf -- "--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-1\n+2\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'diff -p: added and removed files against /dev/null' '
	in_main jvs diff -p HEAD -- dir/new >actual &&
	printf -- "--- /dev/null\n+++ b/dir/new\n@@ -0,0 +1 @@\n+n\n" >expect &&
	test_cmp expect actual &&
	in_main jvs diff -p "$(cat id.s4)" "$(cat id.s5)" >actual &&
	printf -- "--- a/a.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-2\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'diff -p: binary files, one line; a path with spaces' '
	printf "a\000b" >repo/main/bin &&
	echo "one two" >"repo/main/with space" &&
	snap s10 &&
	printf "a\000c" >repo/main/bin &&
	echo "three" >"repo/main/with space" &&
	in_main jvs diff -p HEAD -- bin >actual &&
	echo "Binary files a/bin and b/bin differ" >expect &&
	test_cmp expect actual &&
	in_main jvs diff -p HEAD -- "with space" >actual &&
	printf -- "--- a/with space\n+++ b/with space\n@@ -1 +1 @@\n-one two\n+three\n" >expect &&
	test_cmp expect actual &&
	test_must_fail --exit=1 in_main jvs diff -p -q HEAD -- bin >out &&
	test ! -s out
'

test_expect_success 'diff -p without diff(1) in PATH: a clear error, nothing printed' '
	mkdir nodiff &&
	prog=$(command -v jvs-diff) &&
	{ (cd repo/main && PATH="$PWD/../../nodiff" "$prog" -p HEAD) >out 2>err; rc=$?; } &&
	test $rc -eq 1 &&
	test ! -s out &&
	grep E_IO err &&
	grep "diff(1)" err &&
	test_must_fail --exit=2 in_main jvs diff -p --json HEAD 2>err &&
	grep E_USAGE err
'

test_done
