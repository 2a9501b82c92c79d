#!/bin/sh

test_description='the jvs dispatcher: --version, --help, dispatch, did-you-mean, help CMD'

. "$(dirname "$0")/test-lib.sh"

if test -x "$JVS_BIN/jvs"
then
	test_set_prereq DISPATCHER
fi
if test -x "$JVS_BIN/jvs-gc-plan"
then
	test_set_prereq GC_PLAN
fi
if test -x "$JVS_BIN/jvs-worktree-fork"
then
	test_set_prereq WORKTREE_FORK
fi

test_expect_success DISPATCHER 'jvs --version' '
	jvs --version >out &&
	grep "[0-9]\.[0-9]" out
'

test_expect_success DISPATCHER 'jvs --help lists the commands' '
	jvs --help >out &&
	for c in init snapshot history info
	do
		grep -w "$c" out >/dev/null || echo "$c" >>missing
	done &&
	test ! -e missing
'

test_expect_success DISPATCHER 'jvs --help names each command as it is typed' '
	jvs --help >out &&
	grep "^   gc plan  " out &&
	grep "^   worktree fork  " out &&
	grep "^   check-ignore  " out &&
	! grep "^   check ignore" out
'

test_expect_success DISPATCHER 'jvs init and jvs snapshot dispatch to the programs' '
	jvs init repo >out &&
	grep "Initialized JVS repository in" out &&
	echo a >repo/main/a &&
	(cd repo/main && jvs snapshot -q "two words" --tag t) >id &&
	grep "^[0-9]\{13\}-[0-9a-f]\{8\}\$" id &&
	(cd repo/main && jvs-history --format tsv) >tsv &&
	grep "	t	two words\$" tsv
'

test_expect_success DISPATCHER 'exit codes pass through the dispatcher' '
	(cd repo && test_must_fail --exit=1 jvs snapshot) 2>err &&
	grep E_NO_WORKTREE err &&
	(cd repo/main && test_must_fail --exit=2 jvs history --limit 0) 2>err &&
	grep E_USAGE err &&
	(cd repo/main && jvs history --format id) >out &&
	test_cmp id out
'

test_expect_success DISPATCHER 'the longest hyphenated program name wins' '
	mkdir fake &&
	printf "#!/bin/sh\necho zz \"\$@\"\n" >fake/jvs-zz &&
	printf "#!/bin/sh\necho zz-top \"\$@\"\n" >fake/jvs-zz-top &&
	chmod +x fake/jvs-zz fake/jvs-zz-top &&
	PATH=$(pwd)/fake:$PATH jvs zz top a "b c" >out &&
	echo "zz-top a b c" >expect &&
	test_cmp expect out &&
	PATH=$(pwd)/fake:$PATH jvs zz other >out &&
	echo "zz other" >expect &&
	test_cmp expect out
'

test_expect_success DISPATCHER,GC_PLAN 'jvs gc plan runs jvs-gc-plan' '
	jvs-gc-plan --help >expect &&
	jvs gc plan --help >actual &&
	test_cmp expect actual
'

test_expect_success DISPATCHER,WORKTREE_FORK 'jvs worktree fork runs jvs-worktree-fork' '
	jvs-worktree-fork --help >expect &&
	jvs worktree fork --help >actual &&
	test_cmp expect actual
'

test_expect_success DISPATCHER 'an unknown command: exit 2 with a suggestion' '
	test_must_fail --exit=2 jvs snaphsot >out 2>err &&
	grep -i "did you mean" err &&
	grep -w snapshot err &&
	test_must_fail --exit=2 jvs histroy 2>err &&
	grep -w history err &&
	test_must_fail --exit=2 jvs frobnicate-xyz 2>err &&
	grep frobnicate-xyz err
'

test_expect_success DISPATCHER 'jvs help CMD shows the manual or the usage' '
	MANPAGER=cat PAGER=cat jvs help init >out 2>err &&
	test -s out &&
	grep -i "init" out
'

test_expect_success DISPATCHER 'jvs help with no man program falls back to --help' '
	mkdir noman &&
	for t in sh cat sed grep ls dirname basename head tr awk expr
	do
		if p=$(command -v $t); then ln -s "$p" noman/$t || return 1; fi
	done &&
	PATH=$(pwd)/noman:$JVS_BIN MANPAGER=cat PAGER=cat "$JVS_BIN/jvs" help init >out 2>err &&
	grep "jvs-init" out
'

test_done
