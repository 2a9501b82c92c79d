#!/bin/sh

test_description='help: jvs alone, --help, help CMD, help workflows/format, did you mean, usage on a bad option'

. "$(dirname "$0")/test-lib.sh"

if command -v man >/dev/null 2>&1 && test -d "$jvs_root/man"; then
	test_set_prereq MAN
fi

test_expect_success 'jvs alone prints a short overview of the common commands' '
	jvs >out &&
	for c in init snapshot history restore status "worktree fork" verify doctor; do
		grep "^   $c " out || { echo "no $c"; return 1; }
	done &&
	grep "jvs --help" out &&
	test $(wc -l <out) -lt 30
'

test_expect_success 'jvs --help lists every command of the command list' '
	jvs --help >out &&
	cut -f1 "$jvs_root/cmd/command-list.txt" | sed "s/^jvs-//; s/^\(gc\|pin\|worktree\)-/\1 /" >names &&
	while read -r n; do grep "^   $n " out || { echo "missing $n"; return 1; }; done <names
'

test_expect_success 'jvs CMD --help and jvs-CMD -h print the short usage' '
	jvs snapshot --help >out &&
	grep "^usage: jvs-snapshot " out &&
	jvs gc plan --help >out &&
	grep "^usage: jvs-gc-plan " out &&
	jvs-worktree-list -h >out &&
	grep "^usage: jvs-worktree-list " out
'

# A private copy of the dispatcher beside the source tree man/ directory,
# so that it finds the manuals uninstalled.
test_expect_success MAN 'jvs help CMD, help workflows and help format open manuals' '
	mkdir -p tree/bin && cp "$JVS_BIN/jvs" tree/bin/ && ln -s "$jvs_root/man" tree/man &&
	MANPAGER=cat PAGER=cat MANPATH=/nonexistent tree/bin/jvs help snapshot >out 2>&1 &&
	grep -i "jvs-snapshot" out &&
	MANPAGER=cat PAGER=cat MANPATH=/nonexistent tree/bin/jvs help workflows >out 2>&1 &&
	grep "JVS-WORKFLOWS" out &&
	MANPAGER=cat PAGER=cat MANPATH=/nonexistent tree/bin/jvs help format >out 2>&1 &&
	grep "JVS-FORMAT" out
'

test_expect_success 'jvs GROUP --help and jvs help GROUP list the subcommands' '
	jvs worktree --help >out &&
	grep "^   worktree fork  *create a worktree" out &&
	grep "^   worktree remove " out &&
	jvs help gc >out &&
	grep "^   gc plan " out && grep "^   gc run " out &&
	test_must_fail --exit=2 jvs worktree 2>err &&
	grep "needs a subcommand" err
'

test_expect_success 'an unknown command suggests the nearest one' '
	test_must_fail --exit=2 jvs snapshto 2>err &&
	grep "^hint: did you mean .jvs snapshot." err &&
	test_must_fail --exit=2 jvs worktree frok 2>err &&
	grep "jvs worktree fork" err
'

test_expect_success 'an unknown option prints the program usage line' '
	test_must_fail --exit=2 jvs restore --bogus 2>err &&
	grep "E_USAGE: unknown option .--bogus." err &&
	grep "^usage: jvs-restore " err
'

if command -v mandoc >/dev/null 2>&1; then
	test_set_prereq MANDOC
fi

# usage_forms FILE: the usage forms of a -h output, or of a SYNOPSIS, one a
# line: continuation lines joined to their form, white space squeezed.
usage_forms () {
	sed -e "s/^usage: //" -e "s/^ *//" "$1" |
	awk '/^jvs-/ { if (l != "") print l; l = $0; next } { l = l " " $0 } END { if (l != "") print l }' |
	tr -s " \t" "  " | sed "s/ *$//"
}

test_expect_success MANDOC 'every program: its usage is its man page SYNOPSIS' '
	: >failures &&
	for p in $(cut -f1 "$jvs_root/cmd/command-list.txt"); do
		"$p" -h | grep -v "^common options: " | grep -v "^See " >help.$p &&
		usage_forms help.$p >usage.$p &&
		mandoc -T ascii "$jvs_root/man/$p.1" | col -b |
			sed -n "/^SYNOPSIS/,/^[A-Z]/p" | sed "1d;\$d" | grep -v "^ *\$" >syn.$p &&
		usage_forms syn.$p >synopsis.$p &&
		test -s usage.$p &&
		test_cmp usage.$p synopsis.$p >>failures 2>&1 || echo "--- $p" >>failures
	done &&
	cat failures &&
	test ! -s failures
'

test_done
