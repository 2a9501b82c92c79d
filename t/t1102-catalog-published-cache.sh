#!/bin/sh

test_description='the published set is cached on the stats of descriptors/ and snapshots/

While neither directory changed since the catalogue cache last matched them
(and their times are older than that moment), history reads neither
directory and no descriptor file. Any change to either directory, a
directory replaced by another, or a timestamp that is not safely in the
past makes it list both directories again. A descriptor edited in place
(which leaves its directory alone) is integrity damage: history never shows
the edited text, and verify and doctor, which check every descriptor, catch
it and make history check again.'

. "$(dirname "$0")/test-lib.sh"

if strace -f -qq -o /dev/null true 2>/dev/null
then
	test_set_prereq STRACE
fi

hist () {
	(cd repo/main && jvs-history "$@")
}

# warm: let the directories' times fall behind the clock, then fill the cache
warm () {
	sleep 1 &&
	hist --all --format id >/dev/null &&
	hist --all --format id >/dev/null
}

# the syscalls of one `jvs-history --all`, from the repository root
# (LeakSanitizer cannot run under ptrace: a sanitizer build is traced with
# leak checking off)
STRACE_ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
trace_hist () {
	ASAN_OPTIONS=$STRACE_ASAN_OPTIONS \
	strace -f -qq -o trace -e trace=getdents64,openat,newfstatat,statx \
		jvs-history -C repo --all --format id >traced
}

id_re='[0-9]\{13\}-[0-9a-f]\{8\}'

same_as_files () {
	for args in "--all --format tsv" "--format tsv" "--tag t-b --format id" "--all --json"
	do
		hist $args >cached &&
		JVS_NO_CACHE=1 hist $args >files &&
		test_cmp files cached || return 1
	done
}

published () {
	python3 - repo/.jvs/index.sqlite <<-\EOF
	import sqlite3, sys
	db = sqlite3.connect(sys.argv[1])
	rows = db.execute("SELECT value FROM meta WHERE key='catalog_published'").fetchall()
	print("yes" if rows else "no")
	EOF
}

test_expect_success 'setup: snapshots in two worktrees' '
	jvs-init repo >/dev/null &&
	for n in a b c
	do
		echo "$n" >repo/main/f &&
		(cd repo/main && jvs-snapshot -q "note $n" --tag "t-$n") >>ids ||
		return 1
	done &&
	(cd repo/main && jvs-worktree-fork other >/dev/null) &&
	warm &&
	same_as_files
'

test_expect_success STRACE 'a warm history lists no directory and opens no descriptor' '
	trace_hist &&
	test_line_count = 3 traced &&
	! grep getdents64 trace &&
	! grep "$id_re\.json" trace
'

test_expect_success 'a snapshot published by another process is listed' '
	warm &&
	echo other >repo/worktrees/other/g &&
	(cd repo/worktrees/other && jvs-snapshot -q "from other") >new &&
	hist --all --format id >out &&
	grep -x "$(cat new)" out &&
	test_line_count = 4 out &&
	(cd repo/worktrees/other && jvs-history --format id) >lineage &&
	test "$(head -n 1 lineage)" = "$(cat new)" &&
	same_as_files &&
	warm &&
	same_as_files
'

test_expect_success STRACE 'a changed directory is listed again' '
	warm &&
	trace_hist &&
	! grep getdents64 trace &&
	: >repo/.jvs/snapshots/unrelated &&
	trace_hist &&
	grep getdents64 trace &&
	rm repo/.jvs/snapshots/unrelated &&
	test_line_count = 4 traced
'

test_expect_success 'a removed payload directory is seen' '
	warm &&
	id=$(sed -n 1p ids) &&
	mv repo/.jvs/snapshots/$id payload.saved &&
	hist --all --format id >out &&
	test_line_count = 3 out &&
	! grep -x "$id" out &&
	same_as_files &&
	mv payload.saved repo/.jvs/snapshots/$id &&
	hist --all --format id >out &&
	test_line_count = 4 out
'

test_expect_success 'a removed descriptor is seen' '
	warm &&
	id=$(sed -n 1p ids) &&
	mv repo/.jvs/descriptors/$id.json desc.saved &&
	hist --all --format id >out &&
	test_line_count = 3 out &&
	! grep -x "$id" out &&
	mv desc.saved repo/.jvs/descriptors/$id.json &&
	hist --all --format id >out &&
	test_line_count = 4 out
'

test_expect_success 'snapshots/ replaced by a copy with the same mtime is seen' '
	warm &&
	id=$(sed -n 1p ids) &&
	cp -a repo/.jvs/snapshots snapshots.new &&
	rm -rf snapshots.new/$id snapshots.new/$id.READY &&
	touch -r repo/.jvs/snapshots snapshots.new &&
	mv repo/.jvs/snapshots snapshots.old &&
	mv snapshots.new repo/.jvs/snapshots &&
	hist --all --format id >out &&
	test_line_count = 3 out &&
	! grep -x "$id" out &&
	rm -rf repo/.jvs/snapshots &&
	mv snapshots.old repo/.jvs/snapshots &&
	hist --all --format id >out &&
	test_line_count = 4 out
'

test_expect_success 'a directory time not older than the record is not trusted' '
	warm &&
	test "$(published)" = yes &&
	touch -d "+1 hour" repo/.jvs/descriptors &&
	hist --all --format id >out &&
	test_line_count = 4 out &&
	test "$(published)" = no &&
	hist --all --format id >out &&
	test "$(published)" = no &&
	touch -d "-1 hour" repo/.jvs/descriptors &&
	warm &&
	test "$(published)" = yes
'

tamper () {
	python3 - "$1" <<-\EOF
	import sys
	p = sys.argv[1]
	s = open(p).read()
	assert "note b" in s
	open(p, "r+").write(s.replace("note b", "note B"))
	EOF
}

test_expect_success 'a descriptor edited in place: verify catches it, then history drops it' '
	warm &&
	id=$(sed -n 2p ids) &&
	d=repo/.jvs/descriptors/$id.json &&
	cp "$d" desc.orig &&
	touch -r "$d" stamp &&
	tamper "$d" &&
	touch -r stamp "$d" &&
	hist --all --format tsv >out &&
	! grep "note B" out &&
	JVS_NO_CACHE=1 test_must_fail --exit=4 hist --all --format id >out &&
	! grep -x "$id" out &&
	test_must_fail --exit=4 jvs-verify -C repo --all >out &&
	grep "^FAIL $id E_DESCRIPTOR_CORRUPT" out &&
	test_must_fail --exit=4 hist --all --format id >out 2>err &&
	grep "E_DESCRIPTOR_CORRUPT.*$id" err &&
	test_line_count = 3 out &&
	! grep -x "$id" out
'

test_expect_success 'a descriptor edited in place: doctor --strict catches it' '
	id=$(sed -n 2p ids) &&
	d=repo/.jvs/descriptors/$id.json &&
	cp desc.orig "$d" &&
	warm &&
	hist --all --format id >out &&
	test_line_count = 4 out &&
	touch -r "$d" stamp &&
	tamper "$d" &&
	touch -r stamp "$d" &&
	test_must_fail jvs-doctor -C repo --strict >out &&
	grep "descriptor_corrupt.*$id" out &&
	test_must_fail --exit=4 hist --all --format tsv >out &&
	! grep "note B" out &&
	test_must_fail --exit=4 hist --all --format id >out &&
	test_line_count = 3 out &&
	! grep -x "$id" out &&
	cp desc.orig "$d" &&
	hist --all --format id >out &&
	test_line_count = 4 out &&
	same_as_files
'

test_done
