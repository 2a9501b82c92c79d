#!/bin/sh

test_description='make deb: jvs and jvs-dev packages from debian/ (programs, manuals, completions, systemd units, library), lintian clean, installed with dpkg -x and run'

. "$(dirname "$0")/test-lib.sh"

for cmd in dpkg-buildpackage dpkg-parsechangelog dpkg-checkbuilddeps dh make; do
	command -v $cmd >/dev/null 2>&1 ||
		test_skip_all "$cmd is not installed (scripts/install-deps.sh as root installs dpkg-dev and debhelper)"
done
(cd "$jvs_root" && dpkg-checkbuilddeps -Pnocheck) >builddeps.log 2>&1 ||
	test_skip_all "build dependencies missing: $(tail -1 builddeps.log)"
command -v lintian >/dev/null 2>&1 && test_set_prereq LINTIAN

V=$(cat "$jvs_root/VERSION")
R=$PWD/root
DEB=$PWD/deb

test_expect_success 'debian/changelog is at VERSION' '
	echo "$V" >expect &&
	dpkg-parsechangelog -l "$jvs_root/debian/changelog" -S Version >actual &&
	test_cmp expect actual
'

# Built here, never in the tree: a copy of it under $DEB, -j2, no tests.
test_expect_success 'make deb builds jvs and jvs-dev (lintian at the default level when present)' '
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u CFLAGS -u EXTRA_CFLAGS -u LDFLAGS \
		DEB_BUILD_OPTIONS=nocheck DEB_BUILD_PROFILES=nocheck \
		make -C "$jvs_root" BUILD="$TRASH_DIRECTORY/build" DEB_DIR="$DEB" DEB_JOBS=2 \
		deb >deb.log 2>&1 || { tail -40 deb.log; false; } &&
	test -f "$DEB/jvs_${V}_$(dpkg --print-architecture).deb" &&
	test -f "$DEB/jvs-dev_${V}_$(dpkg --print-architecture).deb" &&
	test "$(dpkg-deb -f "$DEB/jvs_${V}_"*.deb Version)" = "$V" &&
	test "$(dpkg-deb -f "$DEB/jvs-dev_${V}_"*.deb Version)" = "$V"
'

test_expect_success LINTIAN 'lintian ran and reported no error or warning' '
	grep "^lintian --fail-on error,warning" deb.log &&
	! grep "^[EW]: " deb.log
'

test_expect_success 'the packages extract into a scratch root' '
	dpkg -x "$DEB/jvs_${V}_"*.deb "$R" &&
	dpkg -x "$DEB/jvs-dev_${V}_"*.deb "$R"
'

test_expect_success 'jvs: programs in /usr/bin, manuals, completions, docs' '
	test -x "$R/usr/bin/jvs" &&
	for p in $(cut -f1 "$jvs_root/cmd/command-list.txt"); do
		test -x "$R/usr/bin/$p" || { echo "missing $p"; return 1; }
		test -f "$R/usr/share/man/man1/$p.1.gz" || { echo "no page for $p"; return 1; }
	done &&
	test -f "$R/usr/share/man/man1/jvs.1.gz" &&
	test -f "$R/usr/share/man/man5/jvs-format.5.gz" &&
	test -f "$R/usr/share/man/man7/jvs-workflows.7.gz" &&
	test -f "$R/usr/share/bash-completion/completions/jvs" &&
	test -f "$R/usr/share/zsh/vendor-completions/_jvs" &&
	test -f "$R/usr/share/doc/jvs/copyright" &&
	for u in jvs-snapshot@.service jvs-snapshot@.timer jvs-gc@.service jvs-gc@.timer; do
		test -f "$R/lib/systemd/system/$u" || { echo "missing $u"; return 1; }
	done &&
	grep "^ExecStart=.* /usr/bin/jvs \"%f\"\$" "$R/lib/systemd/system/jvs-snapshot@.service" &&
	grep "^ExecStart=.* /usr/bin/jvs \"%f\"\$" "$R/lib/systemd/system/jvs-gc@.service" &&
	dpkg-deb -c "$DEB/jvs_${V}_"*.deb >jvs.list &&
	! grep -E "\.a$|/include/|\.pc$" jvs.list
'

test_expect_success 'jvs --version and a snapshot from the extracted root' '
	echo "jvs $V" >expect &&
	"$R/usr/bin/jvs" --version >actual &&
	test_cmp expect actual &&
	"$R/usr/bin/jvs" init repo >/dev/null &&
	echo data >repo/main/f &&
	(cd repo/main && "$R/usr/bin/jvs" snapshot -q first) >id &&
	grep "^[0-9]\{13\}-[0-9a-f]\{8\}\$" id &&
	(cd repo/main && "$R/usr/bin/jvs" snapshot --skip-unchanged -q) >id2 2>err &&
	test_cmp id id2 &&
	(cd repo && "$R/usr/bin/jvs" verify --all) >/dev/null
'

test_expect_success 'jvs-dev: libjvs.a, headers and jvs.pc link a program' '
	test -f "$R/usr/include/jvs/jvs.h" &&
	test -f "$R/usr/include/jvs/repo.h" &&
	test_path_is_missing "$R/usr/include/jvs/index.h" &&
	! grep -n "sqlite3\|json_t\|jansson\.h" "$R/usr/include/jvs/"*.h &&
	pc=$(echo "$R"/usr/lib/*/pkgconfig/jvs.pc) &&
	test -f "$pc" &&
	grep "^prefix=/usr\$" "$pc" &&
	grep "^Version: $V\$" "$pc" &&
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
	flags=$(PKG_CONFIG_PATH="${pc%/jvs.pc}" pkg-config --define-variable=prefix="$R/usr" \
		--cflags --libs jvs) &&
	cc -std=c11 -o use use.c $flags &&
	./use >out &&
	echo E_NOT_A_REPO >expect &&
	test_cmp expect out
'

test_expect_success 'the source tree is left as it was (nothing built beside it)' '
	test_path_is_missing "$jvs_root/debian/jvs" &&
	test_path_is_missing "$jvs_root/debian/tmp" &&
	test_path_is_missing "$jvs_root/debian/.debhelper" &&
	! ls "$jvs_root"/../jvs_*.deb 2>/dev/null
'

test_done
