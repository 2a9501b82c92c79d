#!/bin/sh

test_description='every jvs-* program: -h, --help, --version, unknown options'

. "$(dirname "$0")/test-lib.sh"

# The programs under test: every jvs-* in the build directory.
ls "$JVS_BIN" | grep "^jvs-" | LC_ALL=C sort >programs

test_expect_success 'there are programs to test' '
	grep -x jvs-init programs &&
	grep -x jvs-snapshot programs &&
	grep -x jvs-history programs &&
	grep -x jvs-info programs
'

# for_each CHECK: runs the shell function CHECK NAME for every program;
# fails listing the programs for which it failed.
for_each () {
	: >failures &&
	for name in $(cat programs)
	do
		rm -f out err &&
		"$1" "$name" >check.out 2>&1 || {
			echo "--- $name: $1 failed"
			cat check.out out err 2>/dev/null
		} >>failures
	done &&
	cat failures &&
	test ! -s failures
}

check_help () {
	"$1" -h >out 2>err &&
	grep "^usage: $1\\>" out &&
	test ! -s err &&
	"$1" --help >out2 2>err &&
	test_cmp out out2 &&
	test ! -s err
}

check_version () {
	"$1" --version >out 2>err &&
	test $(wc -l <out) -eq 1 &&
	grep "^$1 .*[0-9]\\.[0-9]" out &&
	test ! -s err
}

check_unknown_long () {
	test_must_fail --exit=2 "$1" --no-such-option >out 2>err &&
	grep "^$1: E_USAGE: " err &&
	grep "^usage: $1\\>" err &&
	test ! -s out
}

check_unknown_short () {
	test_must_fail --exit=2 "$1" -Z >out 2>err &&
	grep "^$1: E_USAGE: .*-Z" err &&
	test ! -s out
}

check_names_long_option () {
	test_must_fail --exit=2 "$1" --no-such-option 2>err &&
	grep "^$1: E_USAGE: .*--no-such-option" err
}

check_missing_argument () {
	test_must_fail --exit=2 "$1" -C 2>err &&
	grep "^$1: E_USAGE: " err
}

check_progress_option () {
	test_must_fail --exit=2 "$1" --progress=bogus >out 2>err &&
	grep "^$1: E_USAGE: --progress takes auto, never or json" err &&
	test ! -s out &&
	"$1" --progress=json -h >out 2>err &&
	grep "^common options: .*--progress=auto|never|json" out &&
	test ! -s err
}

check_help_touches_nothing () {
	mkdir -p "quiet.$1" &&
	(cd "quiet.$1" && "$1" -h >/dev/null && "$1" --version >/dev/null) &&
	test -z "$(ls -A "quiet.$1")"
}

test_expect_success '-h and --help print the usage on stdout, exit 0' '
	for_each check_help
'

test_expect_success '--version prints one line, exit 0' '
	for_each check_version
'

test_expect_success 'an unknown long option: exit 2, E_USAGE and the usage on stderr' '
	for_each check_unknown_long
'

test_expect_success 'an unknown short option: exit 2, E_USAGE naming it' '
	for_each check_unknown_short
'

test_expect_success 'a missing option argument: exit 2, E_USAGE' '
	for_each check_missing_argument
'

test_expect_success '-h and --version work outside a repository and create nothing' '
	for_each check_help_touches_nothing
'

test_expect_success '--progress takes auto, never or json; a bad value is E_USAGE, exit 2' '
	for_each check_progress_option
'

test_expect_success 'the E_USAGE message names the unknown long option' '
	for_each check_names_long_option
'

test_done
