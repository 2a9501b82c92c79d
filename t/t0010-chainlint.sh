#!/bin/sh

test_description='chainlint: the lint of test bodies that make check runs

t/chainlint.py reads each test body the way the shell splits it into
commands and fails on a command whose status the body loses: a line that
does not chain to the next, a ";" before more commands, "|| true" inside a
chain, a body that does not parse. Each t/chainlint/bad-*.sh holds one such
mistake on the line marked BAD; t/chainlint/good.sh holds the constructs
that keep the status (here-documents, loops with "|| return 1", failure
handlers, "$?" captured, case arms, if/elif/else) and must pass. Then every
test script of the suite must pass too.'

. "$(dirname "$0")/test-lib.sh"

lint () {
	python3 "$jvs_root/t/chainlint.py" "$@"
}

if command -v python3 >/dev/null 2>&1; then
	test_set_prereq PYTHON3
fi

test_expect_success PYTHON3 'each bad sample fails, on its BAD line' '
	ls "$jvs_root"/t/chainlint/bad-*.sh >samples &&
	test_line_count -ge 10 samples &&
	while read f
	do
		test_must_fail --exit=1 lint "$f" >out &&
		test -s out &&
		line=$(grep -n "# BAD" "$f" | cut -d: -f1) &&
		test -n "$line" &&
		! grep -v "^$f:$line: " out || {
			echo "wrong report for $f:"; cat out; return 1
		}
	done <samples
'

test_expect_success PYTHON3 'the good sample passes with no output' '
	lint "$jvs_root/t/chainlint/good.sh" >out &&
	test_line_count = 0 out
'

test_expect_success PYTHON3 'a mistake in one file of several fails the run' '
	test_must_fail --exit=1 lint "$jvs_root/t/chainlint/good.sh" \
		"$jvs_root/t/chainlint/bad-newline.sh" >out &&
	test_line_count = 1 out &&
	grep "bad-newline.sh:3: broken && chain" out
'

test_expect_success PYTHON3 'a script that cannot be read is reported, not skipped' '
	printf "%s\n" "test_expect_success \"x\" \"" "	echo unterminated" >broken.sh &&
	test_must_fail --exit=1 lint broken.sh >out &&
	grep "^broken.sh:" out &&
	test_must_fail --exit=2 lint
'

test_expect_success PYTHON3 'every test script passes' '
	lint "$jvs_root"/t/t[0-9]*.sh
'

test_done
