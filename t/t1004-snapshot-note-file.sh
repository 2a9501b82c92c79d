#!/bin/sh

test_description='jvs snapshot -F FILE / --file FILE: the note from a file or standard input

As git commit -F: trailing newlines are stripped, other newlines kept; a
note longer than 65536 bytes or holding a NUL byte is refused (E_USAGE),
as is -F together with a NOTE operand or -m; nothing is snapshotted then.'

. "$(dirname "$0")/test-lib.sh"

# note_of [ID]: the note of snapshot ID (default: the head of main),
# exactly (python repr), from its descriptor.
note_of () {
	id_=${1:-$(jvs -C repo -w main history --format id --limit 1)}
	python3 -c "import json, sys; print(repr(json.load(open(sys.argv[1]))[\"note\"]))" \
		"repo/.jvs/descriptors/$id_.json"
}

test_expect_success 'setup' '
	jvs init repo >/dev/null &&
	echo 0 >repo/main/f
'

test_expect_success '-F FILE: the file is the note, trailing newlines stripped' '
	printf "subject line\n\nbody line one\nbody line two\n\n\n" >note.txt &&
	(cd repo/main && jvs snapshot -q -F ../../note.txt >../../id) &&
	printf "%s\n" "'\''subject line\\n\\nbody line one\\nbody line two'\''" >expect &&
	note_of >actual &&
	test_cmp expect actual
'

test_expect_success '--file=FILE and CRLF endings' '
	echo 1 >repo/main/f &&
	printf "windows note\r\n" >crlf.txt &&
	(cd repo/main && jvs snapshot -q --file=../../crlf.txt >/dev/null) &&
	echo "'\''windows note'\''" >expect &&
	note_of >actual &&
	test_cmp expect actual
'

test_expect_success '-F - reads standard input; options after it still work' '
	echo 2 >repo/main/f &&
	printf "from stdin\n" | (cd repo/main && jvs snapshot -F - --tag piped -q >/dev/null) &&
	echo "'\''from stdin'\''" >expect &&
	note_of >actual &&
	test_cmp expect actual &&
	jvs -C repo history --tags >tags &&
	grep -x piped tags
'

test_expect_success '-F with -- PATH: a partial snapshot with the note' '
	echo 3 >repo/main/f &&
	echo "partial note" >p.txt &&
	(cd repo/main && jvs snapshot -F ../../p.txt -- f >../../out) &&
	grep "Created partial snapshot" out &&
	echo "'\''partial note'\''" >expect &&
	note_of "$(sed -n "s/^Created partial snapshot \([^ ]*\) .*/\1/p" out)" >actual &&
	test_cmp expect actual
'

test_expect_success 'an empty file is an empty note' '
	echo 4 >repo/main/f &&
	: >empty.txt &&
	(cd repo/main && jvs snapshot -q -F ../../empty.txt >/dev/null) &&
	echo "'\'''\''" >expect &&
	note_of >actual &&
	test_cmp expect actual
'

test_expect_success '-F with a NOTE operand or -m is E_USAGE; nothing is made' '
	echo 5 >repo/main/f &&
	ls repo/.jvs/descriptors >before &&
	(cd repo/main &&
	 test_must_fail --exit=2 jvs snapshot -F ../../note.txt "a note" 2>../../err) &&
	grep "E_USAGE: give the note as NOTE, -m or -F FILE, not several" err &&
	(cd repo/main &&
	 test_must_fail --exit=2 jvs snapshot -m x --file ../../note.txt 2>../../err) &&
	grep "E_USAGE" err &&
	ls repo/.jvs/descriptors >after &&
	test_cmp before after
'

test_expect_success 'a note file over the size limit is refused with the limit' '
	head -c 70000 /dev/zero | tr "\0" a >big.txt &&
	(cd repo/main && test_must_fail --exit=2 jvs snapshot -F ../../big.txt 2>../../err) &&
	grep "E_USAGE: the note in .*big.txt. is longer than 65536 bytes" err &&
	head -c 65536 /dev/zero | tr "\0" b >max.txt &&
	echo >>max.txt &&
	(cd repo/main && jvs snapshot -q -F ../../max.txt >/dev/null) &&
	head -c 200000000 /dev/zero | tr "\0" c |
		(cd repo/main && test_must_fail --exit=2 jvs snapshot -F - 2>../../err) &&
	grep "the note in standard input is longer than 65536 bytes" err
'

test_expect_success 'NUL bytes, bad UTF-8 and a missing file are clear errors' '
	printf "a\0b" >nul.txt &&
	(cd repo/main && test_must_fail --exit=2 jvs snapshot -F ../../nul.txt 2>../../err) &&
	grep "holds a NUL byte" err &&
	printf "\377\376\n" >latin.txt &&
	(cd repo/main && test_must_fail --exit=2 jvs snapshot -F ../../latin.txt 2>../../err) &&
	grep "E_USAGE" err &&
	(cd repo/main && test_must_fail --exit=1 jvs snapshot -F ../../missing.txt 2>../../err) &&
	grep "cannot open the note file .*missing.txt" err &&
	(cd repo/main && test_must_fail jvs snapshot -F 2>../../err) &&
	grep "E_USAGE" err
'

test_done
