# lib-cow-fs.sh: the core workflow on a loop-mounted copy-on-write file
# system, for t7000 (XFS) and t7001 (btrfs).  Sourced after test-lib.sh with
#	COW_FS=xfs|btrfs  COW_MKFS="mkfs.xfs -q -m reflink=1"|"mkfs.btrfs -q"
#	COW_ENGINE=reflink-copy|btrfs-subvolume  (what is detected)
#	COW_FALLBACK=reflink-copy                 (what a failed request falls to)
# and, optionally, a function cow_extra_tests run before unmounting.
# Skips the script, printing why, when not root or the mount fails.

T=$TRASH_DIRECTORY
M=$T/mnt

if [ "$(id -u)" -ne 0 ]; then
	test_skip_all "not root: cannot loop-mount a $COW_FS image"
fi
for cmd in ${COW_MKFS%% *} filefrag mount umount truncate; do
	command -v "$cmd" >/dev/null 2>&1 ||
		test_skip_all "$cmd not found (scripts/install-deps.sh installs it)"
done
mkdir -p "$M" && truncate -s 300M "$T/img" || exit 1
if ! $COW_MKFS "$T/img" >"$T/mkfs.log" 2>&1; then
	test_skip_all "$COW_MKFS failed: $(tail -n 1 "$T/mkfs.log")"
fi
if ! mount -o loop "$T/img" "$M" >"$T/mount.log" 2>&1; then
	test_skip_all "loop mount of a $COW_FS image not permitted here: $(tail -n 1 "$T/mount.log")"
fi
R=$M/repo
ID_RE='[0-9]\{13\}-[0-9a-f]\{8\}'

# phys FILE: physical offset (in blocks) of the file's first extent
phys () {
	filefrag -v "$1" | awk '$1 == "0:" { sub(/\.\..*/, "", $4); print $4 }'
}
# shared A B: the first extents of A and B are the same blocks
shared () {
	sync &&
	a=$(phys "$1") && b=$(phys "$2") &&
	test -n "$a" && test "$a" != 0 && test "$a" = "$b"
}

test_expect_success "init on $COW_FS; jvs info says $COW_ENGINE" '
	cd "$M" &&
	jvs init repo >"$T/out" &&
	grep "Engine: $COW_ENGINE" "$T/out" &&
	cd "$R/main" &&
	jvs info >"$T/info" &&
	grep "^Snapshot engine: $COW_ENGINE (" "$T/info"
'

test_expect_success 'snapshot: snapshot files share extents with the worktree files' '
	cd "$R/main" &&
	mkdir data &&
	head -c 4194304 /dev/urandom >data/big.bin &&
	seq 1 1000 >data/rows.csv &&
	echo "lr = 0.01" >train.py &&
	ln -s data/rows.csv link &&
	sync &&
	jvs snapshot "one" >"$T/out" &&
	one=$(sed -n "s/^Created snapshot \($ID_RE\)\$/\1/p" "$T/out") &&
	echo $one >"$T/one" &&
	grep "\"engine\": *\"$COW_ENGINE\"" "$R/.jvs/descriptors/$one.json" &&
	grep "\"degraded\": *\[\]" "$R/.jvs/descriptors/$one.json" &&
	shared data/big.bin "$R/.jvs/snapshots/$one/data/big.bin" &&
	test "$(stat -c %d:%i data/big.bin)" != "$(stat -c %d:%i "$R/.jvs/snapshots/$one/data/big.bin")"
'

test_expect_success 'edit, snapshot again' '
	cd "$R/main" &&
	echo "lr = 0.001" >train.py &&
	head -c 4096 /dev/zero >>data/big.bin &&
	sync &&
	jvs snapshot "two" -q >"$T/two" &&
	two=$(cat "$T/two") &&
	shared data/big.bin "$R/.jvs/snapshots/$two/data/big.bin" &&
	cmp data/big.bin "$R/.jvs/snapshots/$two/data/big.bin"
'

test_expect_success 'restore the older snapshot: restored files are clones of it' '
	cd "$R/main" &&
	one=$(cat "$T/one") &&
	jvs restore $one >"$T/out" &&
	grep "^Restored main to $one" "$T/out" &&
	grep DETACHED "$T/out" &&
	diff -r --no-dereference "$R/.jvs/snapshots/$one" . &&
	shared data/big.bin "$R/.jvs/snapshots/$one/data/big.bin" &&
	test "$(stat -c %d:%i data/big.bin)" != "$(stat -c %d:%i "$R/.jvs/snapshots/$one/data/big.bin")" &&
	jvs status -q
'

test_expect_success 'restore HEAD' '
	cd "$R/main" &&
	two=$(cat "$T/two") &&
	jvs restore HEAD >"$T/out" &&
	grep "^Restored main to $two" "$T/out" &&
	diff -r --no-dereference "$R/.jvs/snapshots/$two" . &&
	shared data/big.bin "$R/.jvs/snapshots/$two/data/big.bin" &&
	grep "lr = 0.001" train.py
'

test_expect_success 'fork: the new worktree shares extents with the snapshot' '
	cd "$R/main" &&
	one=$(cat "$T/one") &&
	jvs worktree fork $one exp >"$T/out" &&
	grep "^Created worktree exp at $one" "$T/out" &&
	diff -r --no-dereference "$R/.jvs/snapshots/$one" "$R/worktrees/exp" &&
	shared "$R/worktrees/exp/data/big.bin" "$R/.jvs/snapshots/$one/data/big.bin" &&
	cd "$R/worktrees/exp" &&
	echo fork >>train.py &&
	jvs snapshot "on the fork" -q >/dev/null &&
	test "$(cat "$R/.jvs/snapshots/$one/train.py")" = "lr = 0.01"
'

test_expect_success 'JVS_SNAPSHOT_ENGINE=juicefs-clone here falls back, and says so' '
	cd "$R/main" &&
	echo more >>train.py &&
	JVS_SNAPSHOT_ENGINE=juicefs-clone jvs snapshot "asked for juicefs" --json >"$T/out" &&
	grep "\"engine\": *\"$COW_FALLBACK\"" "$T/out" &&
	grep "juicefs-clone unavailable (the repository is not on a FUSE (JuiceFS) mount), used $COW_FALLBACK" "$T/out" &&
	JVS_SNAPSHOT_ENGINE=juicefs-clone jvs info >"$T/info" &&
	grep "^Snapshot engine: $COW_FALLBACK (juicefs-clone requested but unavailable" "$T/info"
'

test_expect_success "--compress on $COW_ENGINE: E_USAGE, nothing made" '
	cd "$R/main" &&
	echo compress-me >>train.py &&
	ls "$R/.jvs/descriptors" >"$T/before" &&
	test_must_fail --exit=2 jvs snapshot --compress fast 2>"$T/err" &&
	grep "E_USAGE: --compress fast: the $COW_ENGINE engine shares data blocks" "$T/err" &&
	grep "JVS_SNAPSHOT_ENGINE=copy" "$T/err" &&
	ls "$R/.jvs/descriptors" >"$T/after" &&
	test_cmp "$T/before" "$T/after"
'

test_expect_success "JVS_SNAPSHOT_COMPRESS on $COW_ENGINE: not applied, named in degraded" '
	cd "$R/main" &&
	JVS_SNAPSHOT_COMPRESS=fast jvs snapshot "default compression" --json >"$T/out" &&
	grep "\"engine\": *\"$COW_ENGINE\"" "$T/out" &&
	grep "compression: JVS_SNAPSHOT_COMPRESS=fast not applied, the $COW_ENGINE engine shares data blocks" "$T/out" &&
	! grep "\"compression\": *\"zstd" "$T/out"
'

test_expect_success "JVS_SNAPSHOT_ENGINE=copy --compress here; restore and fork decode" '
	cd "$R/main" &&
	seq 1 50000 >numbers &&
	z=$(JVS_SNAPSHOT_ENGINE=copy jvs snapshot -q --compress default) &&
	test "$(od -An -tx1 -N4 "$R/.jvs/snapshots/$z/numbers" | tr -d " ")" = 28b52ffd &&
	echo other >numbers &&
	jvs restore --discard $z >/dev/null &&
	seq 1 50000 >"$T/expect" &&
	test_cmp "$T/expect" numbers &&
	jvs worktree fork $z zfork >/dev/null &&
	test_cmp "$T/expect" "$R/worktrees/zfork/numbers" &&
	jvs verify $z
'

test_expect_success 'verify --all and doctor --strict' '
	cd "$R/main" &&
	jvs verify --all >"$T/out" &&
	! grep FAIL "$T/out" &&
	grep "^OK audit chain" "$T/out" &&
	jvs doctor --strict >"$T/out" &&
	grep "^Repository is healthy" "$T/out"
'

command -v cow_extra_tests >/dev/null 2>&1 && cow_extra_tests

test_expect_success 'unmount' '
	cd "$T" &&
	umount "$M"
'
