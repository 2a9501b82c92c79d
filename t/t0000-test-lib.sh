#!/bin/sh

test_description='test-lib.sh itself: TAP, trash directory, helpers'

. "$(dirname "$0")/test-lib.sh"

test_expect_success 'environment is fixed' '
	test "$LANG" = C &&
	test "$LC_ALL" = C &&
	test "$TZ" = UTC &&
	test "$HOME" = "$TRASH_DIRECTORY" &&
	test "$(pwd -P)" = "$(cd "$TRASH_DIRECTORY" && pwd -P)"
'

test_expect_success 'trash directory starts empty' '
	test -z "$(ls -A)"
'

test_expect_success 'JVS_BIN is absolute and first in PATH; jvs_root is the source tree' '
	case $JVS_BIN in /*) ;; *) false ;; esac &&
	test "${PATH%%:*}" = "$JVS_BIN" &&
	test -f "$jvs_root/t/test-lib.sh"
'

test_expect_success 'state persists between tests' '
	shared=value &&
	echo kept >file
'

test_expect_success '... and is seen by the next test' '
	test "$shared" = value &&
	test "$(cat file)" = kept
'

test_expect_success 'test_cmp passes on equal files' '
	printf "a\nb\n" >expect &&
	printf "a\nb\n" >actual &&
	test_cmp expect actual
'

test_expect_success 'test_cmp fails on different files' '
	printf "a\n" >expect &&
	printf "b\n" >actual &&
	! test_cmp expect actual >diff &&
	grep "^-a" diff &&
	grep "^+b" diff
'

test_expect_success 'test_must_fail accepts an ordinary failure' '
	test_must_fail false &&
	test_must_fail sh -c "exit 3" &&
	test_must_fail --exit=3 sh -c "exit 3"
'

test_expect_success 'test_must_fail rejects success, signals, missing commands, wrong codes' '
	! test_must_fail true &&
	! test_must_fail sh -c "kill -SEGV \$\$" &&
	! test_must_fail sh -c "kill -ABRT \$\$" &&
	! test_must_fail no-such-command-anywhere &&
	! test_must_fail --exit=2 sh -c "exit 3"
'

test_expect_success 'test_must_fail explains itself even when stderr is redirected' '
	( ! test_must_fail true 2>err ) 4>why &&
	test ! -s err &&
	grep "command succeeded" why
'

test_expect_success 'test_must_fail passes redirections through' '
	test_must_fail sh -c "echo out; echo err >&2; exit 1" >out 2>err &&
	test "$(cat out)" = out &&
	test "$(cat err)" = err
'

test_expect_success 'path helpers' '
	mkdir d && : >f &&
	test_path_is_dir d &&
	test_path_is_file f &&
	test_path_is_missing nothing &&
	! test_path_is_missing f 2>/dev/null &&
	printf "1\n2\n3\n" >three &&
	test_line_count = 3 three
'

test_set_prereq HAVE_IT

test_expect_success HAVE_IT 'a test with a met prerequisite runs' '
	: >ran-with-prereq
'

test_expect_success MISSING_PREREQ 'a test with a missing prerequisite is skipped' '
	false
'

test_expect_success 'prerequisites: lists and negation' '
	test_have_prereq HAVE_IT &&
	test_have_prereq HAVE_IT,!MISSING_PREREQ &&
	! test_have_prereq MISSING_PREREQ &&
	! test_have_prereq !HAVE_IT &&
	test -f ran-with-prereq
'

test_expect_success 'test_when_finished runs after the test' '
	test_when_finished "rm -f tmp-file" &&
	: >tmp-file &&
	test -f tmp-file
'

test_expect_success '... and the file is gone' '
	test_path_is_missing tmp-file
'

test_expect_failure 'test_expect_failure records a known breakage' '
	false
'

# Run a nested script to check the TAP of failing tests and the exit status.
test_expect_success 'a failing test makes the script fail, shows output, keeps trash' '
	mkdir nested &&
	cp "$jvs_root/t/test-lib.sh" nested/ &&
	cat >nested/tx.sh <<-\EOF &&
	. "$(dirname "$0")/test-lib.sh"
	test_expect_success "passes" "true"
	test_expect_success "fails # hash" "echo visible-output && false"
	test_done
	EOF
	test_must_fail --exit=1 env JVS_TEST_VERBOSE= sh nested/tx.sh >tap &&
	grep "^ok 1 - passes\$" tap &&
	grep "^not ok 2 - fails \\\\# hash\$" tap &&
	grep "^#.*visible-output" tap &&
	grep "^1\\.\\.2\$" tap &&
	kept=$(sed -n "s/^# trash directory kept: //p" tap) &&
	test -d "$kept" &&
	rm -rf "${kept%/trash}"
'

test_expect_success 'a passing script exits 0 and removes its trash' '
	cat >nested/ty.sh <<-\EOF &&
	. "$(dirname "$0")/test-lib.sh"
	test_expect_success "passes" "echo \$TRASH_DIRECTORY >&3" 3>&1
	test_done
	EOF
	env JVS_TEST_KEEP= sh nested/ty.sh >tap &&
	grep "^1\\.\\.1\$" tap &&
	dir=$(sed -n "/^\\//p" tap) &&
	test -n "$dir" &&
	test_path_is_missing "$dir"
'

# A loop stops at a failure with `|| return 1`: that must fail the test,
# not return from the library and leave the previous test's "ok" behind.
test_expect_success 'return 1 in a test body fails that test' '
	cat >nested/tr.sh <<-\EOF &&
	. "$(dirname "$0")/test-lib.sh"
	test_expect_success "passes" "true"
	test_expect_success "returns" "for i in 1 2; do false || return 1; done"
	test_expect_success "returns 0" "return 0"
	test_done
	EOF
	test_must_fail --exit=1 env JVS_TEST_VERBOSE= JVS_TEST_KEEP= sh nested/tr.sh >tap &&
	grep "^ok 1 - passes\$" tap &&
	grep "^not ok 2 - returns\$" tap &&
	grep "^ok 3 - returns 0\$" tap &&
	kept=$(sed -n "s/^# trash directory kept: //p" tap) &&
	rm -rf "${kept%/trash}"
'

test_expect_success 'test_skip_all prints a skip plan' '
	cat >nested/tz.sh <<-\EOF &&
	. "$(dirname "$0")/test-lib.sh"
	test_skip_all "not today"
	EOF
	sh nested/tz.sh >tap &&
	echo "1..0 # SKIP not today" >expect &&
	test_cmp expect tap
'

test_done
