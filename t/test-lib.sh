# test-lib.sh: a small git-style TAP test library for JVS.
#
# A test script starts with
#
#	test_description='what this script covers'
#	. "$(dirname "$0")/test-lib.sh"
#
# and is run from anywhere (normally `prove t/tNNNN-x.sh` from the repo
# root).  Each script runs in its own fresh trash directory, which is also
# HOME; it is removed at the end unless a test failed or JVS_TEST_KEEP=1.
#
# Functions:
#	test_expect_success [PREREQ] 'desc' 'commands'
#	test_expect_failure [PREREQ] 'desc' 'commands'   (known breakage)
#	test_must_fail [--exit=N] cmd [args...]
#	test_cmp expect actual
#	test_set_prereq NAME, test_have_prereq NAME[,NAME...] (!NAME negates)
#	test_when_finished 'commands'    (run after the current test)
#	test_path_is_file, test_path_is_dir, test_path_is_missing PATH
#	test_line_count = N FILE         (any test(1) operator)
#	test_skip_all 'reason'           (before any test: skip the script)
#	test_done                        (prints the plan; last line of a script)
#
# Variables: jvs_root (absolute source tree), JVS_BIN (absolute directory of
# the programs, first in PATH), TRASH_DIRECTORY.
#
# Environment: JVS_BIN (default <repo>/bin), JVS_TEST_VERBOSE=1 (show test
# output as it runs, on stderr), JVS_TEST_KEEP=1 (keep the trash directory).

# ---- environment ---------------------------------------------------------

LANG=C
LC_ALL=C
TZ=UTC
TERM=dumb
export LANG LC_ALL TZ TERM
unset LANGUAGE LC_CTYPE LC_MESSAGES LC_COLLATE LC_NUMERIC LC_TIME
unset NO_COLOR CLICOLOR CLICOLOR_FORCE COLUMNS CDPATH GREP_OPTIONS
unset JVS_TRACE JVS_FAULT


this_test=${0##*/}
this_test=${this_test%.sh}

jvs_root=$(cd "$(dirname "$0")/.." && pwd -P) || {
	echo "Bail out! cannot find the source tree from $0"
	exit 1
}

JVS_BIN=${JVS_BIN:-$jvs_root/bin}
case $JVS_BIN in
/*) ;;
*) JVS_BIN=$PWD/$JVS_BIN ;;
esac
if [ -d "$JVS_BIN" ]; then
	JVS_BIN=$(cd "$JVS_BIN" && pwd -P)
fi
PATH=$JVS_BIN:$PATH
export JVS_BIN PATH

test_verbose_=${JVS_TEST_VERBOSE:-}
[ "$test_verbose_" = 0 ] && test_verbose_=

# ---- trash directory -----------------------------------------------------

test_tmp_=$(mktemp -d "${TMPDIR:-/tmp}/jvs-$this_test.XXXXXX") || {
	echo "Bail out! mktemp failed"
	exit 1
}
# Sanitizer builds: crash loudly (a signal, so test_must_fail notices) and
# write reports beside the trash; any report fails the test that caused it.
test_san_=$test_tmp_/sanitizer
ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}:log_path=$test_san_"
UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}:log_path=$test_san_"
export ASAN_OPTIONS UBSAN_OPTIONS
ulimit -c 0 2>/dev/null

TRASH_DIRECTORY=$test_tmp_/trash
test_log_=$test_tmp_/log
mkdir "$TRASH_DIRECTORY" || {
	echo "Bail out! cannot create $TRASH_DIRECTORY"
	exit 1
}
HOME=$TRASH_DIRECTORY
export HOME TRASH_DIRECTORY
cd "$TRASH_DIRECTORY" || exit 1

# fd 4: where helpers such as test_must_fail explain themselves (the test
# log while a test runs, so a test's own 2>file does not swallow it).
exec 4>&2

test_count=0
test_failed=0
test_fixed=0
test_broken=0
test_skipped=0
test_prereqs_=' '
test_cleanup_=

test_remove_trash_ () {
	cd / && chmod -R u+rwx "$test_tmp_" 2>/dev/null
	rm -rf "$test_tmp_"
}

# Interrupted: say so and leave the trash for inspection.
trap 'echo "Bail out! interrupted; trash kept in $TRASH_DIRECTORY"; exit 1' INT TERM HUP

# ---- prerequisites -------------------------------------------------------

test_set_prereq () {
	test_prereqs_="$test_prereqs_$1 "
}

# test_have_prereq A[,B,!C...]: all listed prerequisites hold.
# Sets test_missing_prereq_ to the first that does not.
test_have_prereq () {
	test_missing_prereq_=
	test_save_ifs_=$IFS
	IFS=,
	set -- $1
	IFS=$test_save_ifs_
	for p_ in "$@"; do
		case $p_ in
		'') continue ;;
		!*)
			case $test_prereqs_ in
			*" ${p_#!} "*)
				test_missing_prereq_=$p_
				return 1
				;;
			esac
			;;
		*)
			case $test_prereqs_ in
			*" $p_ "*) ;;
			*)
				test_missing_prereq_=$p_
				return 1
				;;
			esac
			;;
		esac
	done
	return 0
}

# ---- running tests -------------------------------------------------------

test_when_finished () {
	test_cleanup_="{ $1
} && $test_cleanup_"
}

# test_eval_ COMMANDS: eval COMMANDS in a function of their own, so that a
# `return 1` in a test body (the way a loop stops at a failure) is the
# body's status instead of returning from test_run_ and leaving the
# previous test's status behind.
test_eval_ () {
	eval "$1"
}

# test_run_ COMMANDS: eval COMMANDS in this shell; status in test_eval_ret_.
test_run_ () {
	test_cleanup_=:
	cd "$TRASH_DIRECTORY" 2>/dev/null || true
	if [ -n "$test_verbose_" ]; then
		test_eval_ "$1" </dev/null >&2 4>&2
		test_eval_ret_=$?
		test_eval_ "$test_cleanup_" </dev/null >&2 4>&2
		test_cleanup_ret_=$?
	else
		test_eval_ "$1" </dev/null >"$test_log_" 2>&1 4>&2
		test_eval_ret_=$?
		test_eval_ "$test_cleanup_" </dev/null >>"$test_log_" 2>&1 4>&2
		test_cleanup_ret_=$?
	fi
	if [ "$test_eval_ret_" -eq 0 ] && [ "$test_cleanup_ret_" -ne 0 ]; then
		echo "test_when_finished: cleanup failed" >>"$test_log_"
		test_eval_ret_=$test_cleanup_ret_
	fi
	for f_ in "$test_san_".*; do
		[ -f "$f_" ] || continue
		{
			echo "sanitizer report ${f_##*/}:"
			cat "$f_"
		} >>"$test_log_"
		[ -z "$test_verbose_" ] || cat "$f_" >&2
		rm -f "$f_"
		[ "$test_eval_ret_" -ne 0 ] || test_eval_ret_=99
	done
	test_cleanup_=
	cd "$TRASH_DIRECTORY" 2>/dev/null || true
	return 0
}

test_comment_ () {
	sed -e 's/^/#	/'
}

test_show_failure_ () {
	printf '%s\n' "$1" | test_comment_
	if [ -z "$test_verbose_" ] && [ -s "$test_log_" ]; then
		echo "# output:"
		test_comment_ <"$test_log_"
	fi
}

# test_args_ KIND ARGS...: parse [PREREQ] DESC BODY into test_prereq_,
# test_desc_, test_body_.
test_args_ () {
	kind_=$1
	shift
	case $# in
	2) test_prereq_= ;;
	3)
		test_prereq_=$1
		shift
		;;
	*)
		echo "Bail out! bug in $this_test: $kind_ needs [PREREQ] 'desc' 'commands' (got $# args)"
		exit 1
		;;
	esac
	test_desc_=$1
	case $test_desc_ in
	*'#'*) test_desc_=$(printf '%s' "$1" | sed 's/#/\\#/g') ;;
	esac
	test_body_=$2
}

test_skip_ () {
	if test_have_prereq "$test_prereq_"; then
		return 1
	fi
	test_skipped=$((test_skipped + 1))
	echo "ok $test_count - $test_desc_ # SKIP missing $test_missing_prereq_"
	return 0
}

test_expect_success () {
	test_args_ test_expect_success "$@"
	test_count=$((test_count + 1))
	test_skip_ && return 0
	test_run_ "$test_body_"
	if [ "$test_eval_ret_" -eq 0 ]; then
		echo "ok $test_count - $test_desc_"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $test_desc_"
		test_show_failure_ "$test_body_"
	fi
	return 0
}

test_expect_failure () {
	test_args_ test_expect_failure "$@"
	test_count=$((test_count + 1))
	test_skip_ && return 0
	test_run_ "$test_body_"
	if [ "$test_eval_ret_" -eq 0 ]; then
		test_fixed=$((test_fixed + 1))
		echo "ok $test_count - $test_desc_ # TODO known breakage vanished"
	else
		test_broken=$((test_broken + 1))
		echo "not ok $test_count - $test_desc_ # TODO known breakage"
	fi
	return 0
}

# ---- helpers used inside tests -------------------------------------------

# test_must_fail [--exit=N] CMD...: CMD exits non-zero (exactly N if given),
# without dying from a signal and without "not found"/"not executable".
test_must_fail () {
	tmf_want_=
	case $1 in
	--exit=*)
		tmf_want_=${1#--exit=}
		shift
		;;
	esac
	"$@" 4>&-
	tmf_ret_=$?
	if [ "$tmf_ret_" -eq 0 ]; then
		echo "test_must_fail: command succeeded: $*" >&4
		return 1
	elif [ "$tmf_ret_" -gt 128 ] && [ "$tmf_ret_" -le 192 ]; then
		echo "test_must_fail: died by signal $((tmf_ret_ - 128)): $*" >&4
		return 1
	elif [ "$tmf_ret_" -eq 127 ]; then
		echo "test_must_fail: command not found: $*" >&4
		return 1
	elif [ "$tmf_ret_" -eq 126 ]; then
		echo "test_must_fail: command not executable: $*" >&4
		return 1
	elif [ -n "$tmf_want_" ] && [ "$tmf_ret_" -ne "$tmf_want_" ]; then
		echo "test_must_fail: exit $tmf_ret_, expected $tmf_want_: $*" >&4
		return 1
	fi
	return 0
}

test_cmp () {
	diff -u "$@"
}

test_path_is_file () {
	[ -f "$1" ] || { echo "not a file: $1" >&2; return 1; }
}

test_path_is_dir () {
	[ -d "$1" ] || { echo "not a directory: $1" >&2; return 1; }
}

test_path_is_missing () {
	if [ -e "$1" ] || [ -L "$1" ]; then
		echo "exists but should not: $1" >&2
		ls -ld "$1" >&2
		return 1
	fi
}

# test_line_count OP N FILE
test_line_count () {
	tlc_n_=$(wc -l <"$3" | tr -d ' ')
	test "$tlc_n_" "$1" "$2" || {
		echo "test_line_count: $3 has $tlc_n_ lines, expected $1 $2" >&2
		cat "$3" >&2
		return 1
	}
}

# ---- ending --------------------------------------------------------------

test_skip_all () {
	echo "1..0 # SKIP $*"
	test_remove_trash_
	exit 0
}

test_done () {
	trap - INT TERM HUP
	echo "1..$test_count"
	if [ "$test_fixed" -gt 0 ]; then
		echo "# $test_fixed known breakage(s) vanished; use test_expect_success"
	fi
	if [ "$test_broken" -gt 0 ]; then
		echo "# still have $test_broken known breakage(s)"
	fi
	if [ "$test_failed" -gt 0 ]; then
		echo "# failed $test_failed among $test_count test(s)"
		echo "# trash directory kept: $TRASH_DIRECTORY"
		exit 1
	fi
	if [ -n "${JVS_TEST_KEEP:-}" ] && [ "$JVS_TEST_KEEP" != 0 ]; then
		echo "# trash directory kept: $TRASH_DIRECTORY"
	else
		test_remove_trash_
	fi
	exit 0
}
