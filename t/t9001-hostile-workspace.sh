#!/bin/sh

test_description='hostile workspaces: strange names, deep paths, moving files

File names with newlines, tabs, backslashes and invalid UTF-8, 255-byte
names and paths of about 4 KiB round-trip through snapshot, verify and
restore. A file growing while it is snapshotted never yields a published
manifest that disagrees with its payload. Unreadable files (as non-root),
FIFOs and devices are refused with a clear error naming the path, and
nothing is published.'

. "$(dirname "$0")/test-lib.sh"

# count of published snapshots
nsnap () {
	ls "$1"/.jvs/descriptors | wc -l
}

test_expect_success 'setup' '
	jvs init r >/dev/null
'

test_expect_success 'names with newline, tab, backslash, invalid UTF-8 round-trip' '
	(cd r/main &&
	 printf 1 >"$(printf "new\nline")" &&
	 printf 2 >"$(printf "tab\there")" &&
	 printf 3 >"back\\slash" &&
	 printf 4 >"$(printf "bad\377utf8")" &&
	 printf 5 >"$(printf "sp ace\r")" &&
	 mkdir "$(printf "dir\nnl")" &&
	 printf 6 >"$(printf "dir\nnl")/$(printf "x\ty")" &&
	 ln -s "$(printf "new\nline")" "$(printf "li\tnk")") &&
	(cd r/main && jvs snapshot -q names) >id &&
	id=$(cat id) &&
	jvs -C r verify $id &&
	(cd r/main && find . -printf "%p %y %s %l\n" | sort) >before &&
	rm -rf r/main/* &&
	(cd r/main && jvs restore --discard $id) >/dev/null &&
	(cd r/main && find . -printf "%p %y %s %l\n" | sort) >after &&
	test_cmp before after &&
	(cd r/main && jvs status) >out
'

test_expect_success '255-byte names and a ~4 KiB deep path round-trip' '
	rm -rf r/main/* &&
	n255=$(printf "%0255d" 0 | tr 0 n) &&
	comp=$(printf "%0200d" 0 | tr 0 d) &&
	deep=$comp && i=1 &&
	while [ $i -lt 19 ]; do deep=$deep/$comp; i=$((i + 1)); done &&
	(cd r/main && mkdir -p "$deep" && echo deep >"$deep/$n255" && echo top >$n255) &&
	(cd r/main && jvs snapshot -q deep) >id &&
	id=$(cat id) &&
	jvs -C r verify $id &&
	rm -rf r/main/* &&
	(cd r/main && jvs restore --discard $id) >/dev/null &&
	echo deep >expect &&
	(cd "r/main/$deep" && cat $n255) >actual &&
	test_cmp expect actual
'

test_expect_success 'a FIFO is refused, named, and nothing is published' '
	rm -rf r/main/* && echo a >r/main/a &&
	n=$(nsnap r) &&
	mkfifo r/main/pipe &&
	test_must_fail --exit=1 jvs -C r/main snapshot -q x 2>err &&
	grep "E_UNSUPPORTED_FILE" err && grep "pipe" err &&
	test "$(nsnap r)" = "$n" &&
	rm r/main/pipe
'

test_expect_success 'devices are refused (root only)' '
	if [ "$(id -u)" != 0 ]; then
		echo "# skipped: mknod needs root" >&4 && return 0
	fi &&
	n=$(nsnap r) &&
	mknod r/main/null c 1 3 &&
	test_must_fail --exit=1 jvs -C r/main snapshot -q x 2>err &&
	grep "E_UNSUPPORTED_FILE" err && grep "null" err && grep "character device" err &&
	rm r/main/null &&
	mkdir r/main/sub && mknod r/main/sub/blk b 7 200 &&
	test_must_fail --exit=1 jvs -C r/main snapshot -q x 2>err &&
	grep "sub/blk" err &&
	rm -rf r/main/sub &&
	test "$(nsnap r)" = "$n"
'

if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1 && id nobody >/dev/null 2>&1; then
	test_set_prereq NOBODY
fi

test_expect_success NOBODY 'an unreadable file (as nobody) fails clearly, nothing published' '
	jvs init u >/dev/null &&
	echo ok >u/main/ok &&
	echo secret >u/main/secret &&
	chmod 600 u/main/secret &&
	chmod -R a+rwX u &&
	chmod 600 u/main/secret &&
	chmod a+x "${TRASH_DIRECTORY%/*}" "$TRASH_DIRECTORY" &&
	n=$(nsnap u) &&
	(cd u/main && test_must_fail setpriv --reuid=nobody --regid=nogroup --clear-groups \
		env HOME=/tmp jvs snapshot -q x) 2>err &&
	grep "secret" err &&
	test "$(nsnap u)" = "$n" &&
	jvs -C u doctor --strict
'

test_expect_success 'a file growing during snapshots never publishes a wrong hash' '
	rm -rf r/main/* &&
	echo start >r/main/grow &&
	echo still >r/main/still &&
	{ (i=0; while [ ! -f stop ] && [ $i -lt 200000 ]; do
		echo "line $i" >>r/main/grow || break; i=$((i + 1)); done) & } &&
	writer=$! &&
	ok=0 fail=0 i=0 &&
	while [ $i -lt 8 ]; do
		if (cd r/main && jvs snapshot -q "grow $i") >>ids 2>>errs; then
			ok=$((ok + 1))
		else
			fail=$((fail + 1))
		fi &&
		i=$((i + 1)) || return 1
	done &&
	touch stop && wait $writer &&
	echo "# $ok snapshots published, $fail refused" >&4 &&
	if [ -s errs ]; then grep "grow" errs; fi &&
	jvs -C r verify --all >out &&
	! grep -i tampered out &&
	jvs -C r doctor --strict
'

test_done
