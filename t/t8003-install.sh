#!/bin/sh

test_description='make install and make uninstall into a DESTDIR: programs, manuals, completions, libjvs.a, the public headers, jvs.pc; a program on the public API'

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

test_expect_success 'the installed headers are the public API only, without SQLite or jansson' '
	(cd "$D$P/include/jvs" && ls) >installed &&
	printf "%s\n" doctor.h error.h gc.h history.h jvs.h pin.h repo.h restore.h \
		snapshot.h types.h verify.h worktree.h >expect &&
	test_cmp expect installed &&
	! grep -n "sqlite3\|json_t\|jansson\.h\|sqlite3\.h" "$D$P/include/jvs/"*.h &&
	! grep -n "#include \"[^j]" "$D$P/include/jvs/"*.h &&
	for h in $(cat installed); do
		echo "#include <jvs/$h>" >one.c &&
		cc -std=c11 -Wall -Wextra -Werror -I"$D$P/include" -fsyntax-only one.c ||
		{ echo "$h does not compile alone"; return 1; }
	done
'

# A program that knows only <jvs/jvs.h>: snapshots with progress, lists the
# history, restores, and reads negative error codes.
test_expect_success 'a program built on <jvs/jvs.h> alone links against libjvs.a and runs' '
	cat >api.c <<-\EOC &&
	#include <stdio.h>
	#include <string.h>
	#include <jvs/jvs.h>

	static size_t last_done, last_total, calls;
	static void progress(void *arg, uint64_t bytes_done, uint64_t bytes_total,
			     size_t items_done, size_t items_total)
	{
		(void)bytes_done, (void)bytes_total;
		*(int *)arg = 1;
		last_done = items_done, last_total = items_total, calls++;
	}

	static int fail(const char *what, int rc)
	{
		printf("%s: %d %s: %s\n", what, rc, jvs_error_class_name(-rc),
		       jvs_error_last()->message);
		return 1;
	}

	int main(int argc, char **argv)
	{
		jvs_repo *repo = NULL, *none = NULL;
		jvs_catalog *cat = NULL;
		jvs_snapshot_opts so = JVS_SNAPSHOT_OPTS_INIT, bad = {0};
		jvs_history_opts ho = JVS_HISTORY_OPTS_INIT;
		jvs_restore_opts ro = JVS_RESTORE_OPTS_INIT;
		jvs_descriptor d;
		jvs_history h;
		jvs_restore_result res;
		char id[JVS_ID_BUF];
		int rc, seen = 0;

		if (argc != 3)
			return 2;
		rc = jvs_repo_open(&none, "/");
		printf("open /: %d %s\n", rc, jvs_error_class_name(-rc));
		if (rc != -JVS_E_NOT_A_REPO || !jvs_error_last()->message[0])
			return 1;
		if ((rc = jvs_repo_open(&repo, argv[1])) < 0)
			return fail("open", rc);
		rc = jvs_snapshot_create(repo, "main", &bad, &d, NULL);
		printf("unversioned opts: %d %s\n", rc, jvs_error_class_name(-rc));
		so.note = "from the api";
		so.progress = progress;
		so.progress_arg = &seen;
		if ((rc = jvs_snapshot_create(repo, "main", &so, &d, NULL)) < 0)
			return fail("snapshot", rc);
		printf("progress: %s, last %zu of %zu\n", seen ? "called" : "never", last_done,
		       last_total);
		jvs_descriptor_clear(&d);
		if ((rc = jvs_catalog_open(repo, &cat)) < 0)
			return fail("catalog", rc);
		rc = jvs_ref_resolve(repo, cat, "main", "no-such-tag", id);
		printf("resolve no-such-tag: %d %s\n", rc, jvs_error_class_name(-rc));
		if ((rc = jvs_history_list(repo, cat, "main", &ho, &h)) < 0)
			return fail("history", rc);
		for (size_t i = 0; i < h.n; i++)
			printf("history %s %s\n", h.items[i]->snapshot_id,
			       h.items[i]->note ? h.items[i]->note : "");
		jvs_history_clear(&h);
		if ((rc = jvs_ref_resolve(repo, cat, "main", argv[2], id)) < 0)
			return fail("resolve", rc);
		jvs_catalog_free(cat);
		if ((rc = jvs_restore(repo, "main", id, &ro, &res)) < 0)
			return fail("restore", rc);
		printf("restored %s, detached %d\n", res.snapshot_id, res.detached);
		jvs_restore_result_clear(&res);
		jvs_repo_free(repo);
		return 0;
	}
	EOC
	cc -std=c11 -Wall -Wextra -Werror -I"$D$P/include" -o api api.c -L"$D$P/lib" -ljvs \
		$(pkg-config --libs sqlite3 libb2 jansson uuid libzstd) -lpthread &&
	"$D$P/bin/jvs" init apirepo >/dev/null &&
	echo one >apirepo/main/a && echo two >apirepo/main/b &&
	first=$(cd apirepo/main && "$D$P/bin/jvs" snapshot -q first) &&
	echo changed >apirepo/main/a &&
	./api "$PWD/apirepo" "$first" >out &&
	cat out &&
	second=$(cd apirepo/main && "$D$P/bin/jvs" history --json | sed -n "s/.*\"snapshot_id\": *\"\([^\"]*\)\".*/\1/p" | head -n1) &&
	test -n "$second" && test "$second" != "$first" &&
	cat >expect <<-EOF &&
	open /: -4 E_NOT_A_REPO
	unversioned opts: -7 E_USAGE
	progress: called, last 2 of 2
	resolve no-such-tag: -10 E_NOT_FOUND
	history $second from the api
	history $first first
	restored $first, detached 1
	EOF
	test_cmp expect out &&
	echo one >expect && test_cmp expect apirepo/main/a
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
