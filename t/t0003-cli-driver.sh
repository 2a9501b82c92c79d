#!/bin/sh

test_description='the one CLI driver: a failed write is E_IO, --version is VERSION, --no-color everywhere'

. "$(dirname "$0")/test-lib.sh"

# The programs under test: every jvs-* in the build directory.
ls "$JVS_BIN" | grep "^jvs-" | LC_ALL=C sort >programs

if command -v script >/dev/null 2>&1; then
	test_set_prereq SCRIPT
fi
if test -w /dev/full && ! echo x >/dev/full 2>/dev/null; then
	test_set_prereq DEVFULL
fi

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

test_expect_success 'there are programs to test, as many as the command list' '
	test $(wc -l <programs) -ge 20 &&
	cut -f1 "$jvs_root/cmd/command-list.txt" | LC_ALL=C sort >listed &&
	test_cmp listed programs
'

check_full_help () {
	test_must_fail --exit=1 "$1" --help >/dev/full 2>err &&
	grep "^$1: E_IO: cannot write output" err
}

check_full_version () {
	test_must_fail --exit=1 "$1" --version >/dev/full 2>err &&
	grep "^$1: E_IO: " err
}

test_expect_success DEVFULL 'every program: a failed write of its output is E_IO, exit 1' '
	for_each check_full_help &&
	for_each check_full_version
'

test_expect_success 'setup: a repository with a snapshot, a tag, a pin and a second worktree' '
	jvs init repo >/dev/null &&
	(cd repo/main && echo 1 >f && jvs snapshot one --tag base >/dev/null &&
	 echo 2 >f && jvs pin add base --reason keep >/dev/null &&
	 jvs worktree fork base other >/dev/null)
'

# Programs' real output, text and JSON, into a full disk: never exit 0.
test_expect_success DEVFULL 'real output into a full disk: E_IO and exit 1, text and --json' '
	(cd repo/main &&
	for cmd in "jvs-info" "jvs-info --json" "jvs-status" "jvs-status --json" \
		"jvs-worktree-list" "jvs-worktree-list --json" "jvs-worktree-list --format tsv" \
		"jvs-history" "jvs-history --json" "jvs-history --tags" "jvs-pin-list" \
		"jvs-pin-list --json" "jvs-worktree-path" "jvs-verify base" "jvs-doctor" \
		"jvs-gc-plan" "jvs-gc-plan --json" "jvs-diff base" "jvs-check-ignore --json f"
	do
		test_must_fail --exit=1 $cmd >/dev/full 2>../../err ||
		{ echo "$cmd: wrong exit"; cat ../../err; return 1; }
		grep ": E_IO: cannot write output" ../../err ||
		{ echo "$cmd: no E_IO"; cat ../../err; return 1; }
	done)
'

check_version_file () {
	"$1" --version >out 2>err &&
	echo "$1 (jvs) $(cat "$jvs_root/VERSION")" >expect &&
	test_cmp expect out &&
	test ! -s err
}

test_expect_success '--version of every program and of jvs is the VERSION file' '
	for_each check_version_file &&
	jvs --version >out &&
	grep -F "$(cat "$jvs_root/VERSION")" out
'

check_no_color () {
	"$1" --no-color -h >out 2>err &&
	grep "^usage: $1\\>" out &&
	grep "^common options: .*--no-color" out &&
	test ! -s err
}

test_expect_success '--no-color is a common option of every program' '
	for_each check_no_color
'

test_expect_success 'programs that take no operands refuse one: E_USAGE, exit 2, nothing done' '
	for p in jvs-info jvs-status jvs-history jvs-doctor jvs-gc-plan jvs-gc-run \
		jvs-pin-list jvs-worktree-list
	do
		test_must_fail --exit=2 "$p" -C repo stray >out 2>err &&
		grep "^$p: E_USAGE: unexpected argument .stray." err &&
		grep "^usage: $p\\>" err &&
		test ! -s out || return 1
	done
'

# on_tty CMD: runs the shell command CMD under a pseudo-terminal; the
# typescript goes to tty.out.
on_tty () {
	script -q -e -c "$1" /dev/null >tty.raw 2>&1
	rc=$?
	tr '\r' '\n' <tty.raw | grep -av "^Script " >tty.out
	return $rc
}

test_expect_success SCRIPT '--no-color is NO_COLOR=1: the same bytes on a TTY, without colour' '
	(cd repo/main && echo 3 >f && jvs snapshot two >/dev/null &&
	 jvs restore --discard base >/dev/null) &&
	esc=$(printf "\\033") &&
	for cmd in "jvs-status" "jvs-worktree-list" "jvs-history" "jvs-verify base"
	do
		on_tty "cd repo/main && TERM=xterm $cmd" || return 1
		cp tty.out coloured &&
		on_tty "cd repo/main && TERM=xterm $cmd --no-color" || return 1
		cp tty.out flag &&
		on_tty "cd repo/main && TERM=xterm NO_COLOR=1 $cmd" || return 1
		test_cmp tty.out flag || return 1
		! grep -a "$esc\\[1;3" flag || return 1
	done &&
	on_tty "cd repo/main && TERM=xterm jvs-status" &&
	grep -a "$esc\\[" tty.out
'

test_done
