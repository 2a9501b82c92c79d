#!/bin/sh

test_description='make install and make uninstall into a DESTDIR: programs, manuals, completions, libjvs.a, headers, jvs.pc'

. "$(dirname "$0")/test-lib.sh"

command -v make >/dev/null 2>&1 || test_skip_all 'make is not installed'

D=$PWD/dest
P=/usr/local
# Build into this trash directory, never into the tree's own build dirs.
mk () {
	# A make running this test (check-asan) passes its variables in MAKEFLAGS
	# and the environment.
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u CFLAGS -u EXTRA_CFLAGS -u LDFLAGS \
		make -s -C "$jvs_root" -j4 BUILD="$TRASH_DIRECTORY/build" BIN="$TRASH_DIRECTORY/bin" \
		DESTDIR="$D" PREFIX=$P "$@"
}

test_expect_success 'make install into a DESTDIR' '
	mk install >install.log 2>&1 || { cat install.log; false; }
'

test_expect_success 'programs and the dispatcher are installed and run' '
	test -x "$D$P/bin/jvs" &&
	for p in $(cut -f1 "$jvs_root/cmd/command-list.txt"); do
		test -x "$D$P/bin/$p" || { echo "missing $p"; return 1; }
	done &&
	"$D$P/bin/jvs" --version | grep "^jvs " &&
	"$D$P/bin/jvs" init r >/dev/null &&
	(cd r/main && "$D$P/bin/jvs" snapshot first | grep "Created snapshot")
'

test_expect_success 'manuals: every program has a page, found by man -w' '
	for p in jvs $(cut -f1 "$jvs_root/cmd/command-list.txt"); do
		test -f "$D$P/share/man/man1/$p.1" || { echo "no page for $p"; return 1; }
	done &&
	test -f "$D$P/share/man/man5/jvs-format.5" &&
	test -f "$D$P/share/man/man7/jvs-workflows.7" &&
	if command -v man >/dev/null 2>&1; then
		MANPATH="$D$P/share/man" man -w jvs-snapshot >where &&
		grep "$D$P/share/man/man1/jvs-snapshot.1" where &&
		MANPATH="$D$P/share/man" man -w 5 jvs-format | grep man5/jvs-format.5
	fi
'

test_expect_success 'completions are installed where bash-completion and zsh look' '
	test -f "$D$P/share/bash-completion/completions/jvs" &&
	test -f "$D$P/share/zsh/site-functions/_jvs"
'

test_expect_success 'libjvs.a, headers and jvs.pc let a program link against libjvs' '
	test -f "$D$P/lib/libjvs.a" &&
	test -f "$D$P/include/jvs/repo.h" &&
	test -f "$D$P/lib/pkgconfig/jvs.pc" &&
	grep "^prefix=$P\$" "$D$P/lib/pkgconfig/jvs.pc" &&
	cat >use.c <<-\EOC &&
	#include <stdio.h>
	#include <jvs/error.h>
	#include <jvs/repo.h>
	int main(void)
	{
		jvs_repo *r = NULL;
		if (jvs_repo_open(&r, "/") < 0)
			printf("%s\n", jvs_error_class_name(jvs_error_last()->cls));
		jvs_repo_free(r);
		return 0;
	}
	EOC
	flags=$(PKG_CONFIG_PATH="$D$P/lib/pkgconfig" pkg-config \
		--define-variable=prefix="$D$P" --cflags --libs jvs) &&
	cc -std=c11 -o use use.c $flags &&
	./use >out &&
	echo E_NOT_A_REPO >expect &&
	test_cmp expect out
'

test_expect_success 'systemd template units, with ExecStart at PREFIX/bin/jvs' '
	for u in jvs-snapshot@.service jvs-snapshot@.timer jvs-gc@.service jvs-gc@.timer; do
		test -f "$D$P/lib/systemd/system/$u" || { echo "missing $u"; return 1; }
	done &&
	grep "^ExecStart=.* $P/bin/jvs \"%f\"\$" "$D$P/lib/systemd/system/jvs-snapshot@.service" &&
	grep "^ExecStart=.* $P/bin/jvs \"%f\"\$" "$D$P/lib/systemd/system/jvs-gc@.service" &&
	! grep -l @BINDIR@ "$D$P/lib/systemd/system/"*
'

test_expect_success 'make uninstall removes everything it installed' '
	mk uninstall >uninstall.log 2>&1 || { cat uninstall.log; false; } &&
	find "$D" -type f >left &&
	! test -s left || { cat left; false; }
'

test_done
