#!/bin/sh

test_description='jvs snapshot --compress: zstd frames in the payload, round trip, verify, damage, bombs, dedup, fork, levels, format version'

. "$(dirname "$0")/test-lib.sh"

# Every case runs on the copy engine (what /tmp gives); the clone engines'
# refusal is in t/lib-cow-fs.sh (t7000, t7001).
JVS_SNAPSHOT_ENGINE=copy
export JVS_SNAPSHOT_ENGINE
unset JVS_SNAPSHOT_COMPRESS

in_main () {
	(cd repo/main && "$@")
}

# zstd_magic FILE: FILE starts with a zstd frame's magic number
zstd_magic () {
	test "$(od -An -tx1 -N4 "$1" | tr -d ' ')" = 28b52ffd
}

# manifest_size ID PATH: the SIZE field of PATH's record
manifest_size () {
	awk -F'\t' -v p="$2" '$2 == p { print $4 }' repo/.jvs/manifests/$1
}

# manifest_hash ID PATH
manifest_hash () {
	awk -F'\t' -v p="$2" '$2 == p { print $5 }' repo/.jvs/manifests/$1
}

# fill DIR: compressible text, one incompressible file, a tiny one, a
# symlink, a sparse file and a file with an xattr
fill () {
	mkdir -p "$1/src/deep" &&
	for i in 1 2 3 4 5 6 7 8; do
		seq 1 2000 | sed "s/^/line $i /" >"$1/src/f$i.txt" || return 1
	done &&
	seq 1 5000 >"$1/src/deep/numbers" &&
	head -c 200000 /dev/urandom >"$1/random.bin" &&
	echo x >"$1/tiny" &&
	ln -s src/f1.txt "$1/link" &&
	truncate -s 4M "$1/sparse" && echo tail >>"$1/sparse" &&
	chmod 0751 "$1/src/f2.txt"
}

test_expect_success 'setup' '
	jvs-init repo >/dev/null &&
	fill repo/main &&
	(cd repo/main && find . -type f -o -type l | LC_ALL=C sort >../../files) &&
	(cd repo/main && tar cf - --sort=name . ) >orig.tar &&
	(cd repo/main && for f in $(cat ../../files); do
		test -L "$f" || b2sum -l 256 "$f" || exit 1; done) >orig.sums
'

test_expect_success '--compress fast: text files are zstd frames, the rest stored as they are' '
	in_main jvs snapshot --compress fast first --json >out.json &&
	id=$(jq -r .snapshot_id out.json) && echo $id >id1 &&
	test "$(jq -r .compression out.json)" = zstd-fast &&
	test "$(jq -r .compression repo/.jvs/descriptors/$id.json)" = zstd-fast &&
	S=repo/.jvs/snapshots/$id &&
	zstd_magic $S/src/f1.txt &&
	test $(stat -c %s $S/src/f1.txt) -lt $(manifest_size $id src/f1.txt) &&
	test $(manifest_size $id src/f1.txt) -eq $(stat -c %s repo/main/src/f1.txt) &&
	test $(stat -c %s $S/random.bin) -eq 200000 &&
	! zstd_magic $S/random.bin &&
	test "$(cat $S/tiny)" = x &&
	test $(stat -c %s $S/sparse) -eq $(stat -c %s repo/main/sparse) &&
	test $(stat -c %b $S/sparse) -lt 1000 &&
	test "$(readlink $S/link)" = src/f1.txt
'

test_expect_success 'the manifest holds the hash of the uncompressed bytes; zstd -d agrees' '
	id=$(cat id1) &&
	test "$(manifest_hash $id src/f3.txt)" = "$(b2sum -l 256 repo/main/src/f3.txt | cut -d" " -f1)" &&
	zstd -q -d -c repo/.jvs/snapshots/$id/src/f3.txt | cmp - repo/main/src/f3.txt
'

test_expect_success 'the repository format version goes to 2; info says what is used' '
	echo 2 >expect &&
	test_cmp expect repo/.jvs/format_version &&
	jvs -C repo info >info &&
	grep "^Format version: 2\$" info &&
	grep "^Snapshot compression: none (built-in default)\$" info &&
	grep "^Snapshots: 1 (1 compressed)\$" info &&
	JVS_SNAPSHOT_COMPRESS=max jvs -C repo info --json >info.json &&
	test "$(jq -r .snapshot_compress info.json)" = max &&
	test "$(jq -r .snapshot_compress_origin info.json)" = JVS_SNAPSHOT_COMPRESS &&
	test "$(jq -r .compressed_snapshots info.json)" = 1 &&
	test "$(jq -r .format_version info.json)" = 2
'

test_expect_success 'an older jvs (format 1 only) refuses the repository' '
	# what a reader of format 1 does with a larger number (SPEC, t0001)
	echo 3 >repo/.jvs/format_version &&
	test_must_fail jvs -C repo history 2>err &&
	grep E_FORMAT_UNSUPPORTED err &&
	echo 2 >repo/.jvs/format_version
'

test_expect_success 'verify decodes and hashes every frame' '
	jvs -C repo verify $(cat id1) >out &&
	grep "^OK $(cat id1)" out &&
	jvs -C repo verify --quick $(cat id1) >out &&
	grep "^OK" out
'

test_expect_success 'round trip: overwrite every file, add one, restore by the id from history --json' '
	for f in $(cat files); do
		test -L repo/main/$f || echo overwritten >repo/main/$f || return 1
	done &&
	echo added >repo/main/added &&
	id=$(jvs -C repo history --json | jq -r ".[-1].snapshot_id") &&
	test "$id" = "$(cat id1)" &&
	in_main jvs restore "$id" >out &&
	test_path_is_missing repo/main/added &&
	(cd repo/main && tar cf - --sort=name . ) >back.tar &&
	(cd repo/main && for f in $(cat ../../files); do
		test -L "$f" || b2sum -l 256 "$f" || exit 1; done) >back.sums &&
	test_cmp orig.sums back.sums &&
	mkdir o b && tar xf orig.tar -C o && tar xf back.tar -C b &&
	diff -r o b &&
	test "$(stat -c %a repo/main/src/f2.txt)" = 751 &&
	test "$(stat -c %s repo/main/sparse)" -eq 4194309 &&
	test "$(stat -c %b repo/main/sparse)" -lt 1000
'

test_expect_success 'restore -- PATH of a compressed snapshot' '
	echo changed >repo/main/src/f4.txt &&
	echo changed >repo/main/src/deep/numbers &&
	in_main jvs restore --discard $(cat id1) -- src/deep >out &&
	seq 1 5000 >expect &&
	test_cmp expect repo/main/src/deep/numbers &&
	echo changed >expect &&
	test_cmp expect repo/main/src/f4.txt &&
	in_main jvs restore --discard $(cat id1) -- src/f4.txt &&
	seq 1 2000 | sed "s/^/line 4 /" >expect &&
	test_cmp expect repo/main/src/f4.txt
'

test_expect_success 'fork of a compressed snapshot gets the plain files' '
	in_main jvs worktree fork $(cat id1) forked >out &&
	W=repo/worktrees/forked &&
	seq 1 2000 | sed "s/^/line 7 /" >expect &&
	test_cmp expect $W/src/f7.txt &&
	! zstd_magic $W/src/f7.txt &&
	cmp repo/main/random.bin $W/random.bin
'

test_expect_success 'hard links between two snapshots of the same compression' '
	in_main jvs restore --discard $(cat id1) >/dev/null &&
	echo one more >repo/main/src/f8.txt &&
	a=$(cat id1) &&
	b=$(in_main jvs snapshot -q --compress fast second) && echo $b >id2 &&
	S=repo/.jvs/snapshots &&
	test "$(stat -c %i $S/$a/src/f1.txt)" = "$(stat -c %i $S/$b/src/f1.txt)" &&
	test "$(stat -c %i $S/$a/random.bin)" = "$(stat -c %i $S/$b/random.bin)" &&
	test "$(stat -c %i $S/$a/src/f8.txt)" != "$(stat -c %i $S/$b/src/f8.txt)" &&
	n=$(find $S/$b -type f -links +1 | wc -l) &&
	test "$n" -eq $(($(find $S/$b -type f | wc -l) - 1)) &&
	jvs -C repo verify $b
'

test_expect_success 'no hard link between snapshots of different compression' '
	echo again >repo/main/src/f8.txt &&
	b=$(cat id2) &&
	c=$(in_main jvs snapshot -q --compress none plain) && echo $c >id3 &&
	d=$(in_main jvs snapshot -q --compress max maxed) && echo $d >id4 &&
	S=repo/.jvs/snapshots &&
	test "$(find $S/$c -type f -links +1 | wc -l)" -eq 0 &&
	! zstd_magic $S/$c/src/f1.txt &&
	test "$(jq -r ".compression // \"none\"" repo/.jvs/descriptors/$c.json)" = none &&
	test "$(stat -c %i $S/$c/src/f1.txt)" != "$(stat -c %i $S/$d/src/f1.txt)" &&
	test "$(stat -c %i $S/$b/src/f1.txt)" != "$(stat -c %i $S/$d/src/f1.txt)" &&
	zstd_magic $S/$d/src/f1.txt &&
	test "$(jq -r .compression repo/.jvs/descriptors/$d.json)" = zstd-max &&
	jvs -C repo verify $c $d
'

test_expect_success 'each level: none, fast, default, max; max is no bigger than fast' '
	jvs-init lv >/dev/null &&
	seq 1 30000 >lv/main/numbers &&
	for l in none fast default max; do
		(cd lv/main && echo $l >>numbers && jvs snapshot -q --compress $l $l) >id.$l || return 1
		f=lv/.jvs/snapshots/$(cat id.$l)/numbers &&
		stat -c %s $f >size.$l &&
		if test $l = none; then ! zstd_magic $f; else zstd_magic $f; fi || return 1
	done &&
	test $(cat size.max) -le $(cat size.fast) &&
	test $(cat size.fast) -lt $(cat size.none) &&
	test "$(jq -r .compression lv/.jvs/descriptors/$(cat id.default).json)" = zstd-default &&
	jvs -C lv verify --all
'

test_expect_success 'unknown level: E_USAGE naming the levels' '
	test_must_fail in_main jvs snapshot --compress huge 2>err &&
	grep "E_USAGE" err &&
	grep "none, fast, default or max" err &&
	JVS_SNAPSHOT_COMPRESS=tiny test_must_fail in_main jvs snapshot 2>err &&
	grep "JVS_SNAPSHOT_COMPRESS: unknown compression" err
'

test_expect_success 'JVS_SNAPSHOT_COMPRESS is the default; --compress none overrides it' '
	echo 1 >>repo/main/src/f5.txt &&
	e=$(JVS_SNAPSHOT_COMPRESS=default in_main jvs snapshot -q envd) &&
	test "$(jq -r .compression repo/.jvs/descriptors/$e.json)" = zstd-default &&
	echo 2 >>repo/main/src/f5.txt &&
	n=$(JVS_SNAPSHOT_COMPRESS=default in_main jvs snapshot -q --compress none) &&
	test "$(jq -r ".compression // \"none\"" repo/.jvs/descriptors/$n.json)" = none
'

# damage CASE: a fresh repository, one compressed snapshot, the payload
# file big.txt replaced by what the case makes; prints the id
damaged_repo () {
	rm -rf dmg && jvs-init dmg >/dev/null &&
	seq 1 20000 >dmg/main/big.txt &&
	(cd dmg/main && jvs snapshot -q --compress fast)
}

test_expect_success 'a corrupted frame: verify and restore say E_PAYLOAD_HASH_MISMATCH' '
	id=$(damaged_repo) &&
	f=dmg/.jvs/snapshots/$id/big.txt &&
	size=$(stat -c %s $f) &&
	printf "\377\377\377\377" | dd of=$f bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null &&
	test_must_fail --exit=4 jvs -C dmg verify $id >out &&
	grep "E_PAYLOAD_HASH_MISMATCH" out &&
	grep "big.txt" out &&
	echo mine >dmg/main/big.txt &&
	test_must_fail jvs -C dmg/main restore --discard $id 2>err &&
	grep E_PAYLOAD_HASH_MISMATCH err &&
	echo mine >expect &&
	test_cmp expect dmg/main/big.txt
'

test_expect_success 'a truncated frame' '
	id=$(damaged_repo) &&
	f=dmg/.jvs/snapshots/$id/big.txt &&
	truncate -s $(($(stat -c %s $f) / 2)) $f &&
	test_must_fail --exit=4 jvs -C dmg verify $id >out &&
	grep "E_PAYLOAD_HASH_MISMATCH big.txt: a truncated zstd frame" out &&
	echo mine >dmg/main/big.txt &&
	test_must_fail jvs -C dmg/main restore --discard $id 2>err &&
	grep "E_PAYLOAD_HASH_MISMATCH.*truncated zstd frame" err
'

test_expect_success 'data after the frame' '
	id=$(damaged_repo) &&
	f=dmg/.jvs/snapshots/$id/big.txt &&
	echo x >>$f &&
	test_must_fail --exit=4 jvs -C dmg verify $id >out &&
	grep "E_PAYLOAD_HASH_MISMATCH big.txt: data after its zstd frame" out
'

test_expect_success 'a decompression bomb stops at the manifest size' '
	id=$(damaged_repo) &&
	f=dmg/.jvs/snapshots/$id/big.txt &&
	want=$(awk -F"\t" "{ print \$4 }" dmg/.jvs/manifests/$id) &&
	head -c 2000000000 /dev/zero | zstd -q -19 -c >bomb.zst &&
	test $(stat -c %s bomb.zst) -lt "$want" &&
	cp bomb.zst $f &&
	echo mine >dmg/main/big.txt &&
	test_must_fail --exit=4 jvs -C dmg verify $id >out &&
	grep "E_PAYLOAD_HASH_MISMATCH big.txt: decompresses to more than its manifest size" out &&
	test_must_fail jvs -C dmg/main restore --discard $id 2>err &&
	grep "E_PAYLOAD_HASH_MISMATCH.*more than its manifest size" err &&
	test $(du -sk dmg/.jvs/tmp | cut -f1) -lt 10000 &&
	test_must_fail --exit=4 jvs -C dmg verify --quick $id >out &&
	grep "not a zstd frame of its manifest size" out
'

test_expect_success 'a frame of other bytes of the same size: content changed' '
	id=$(damaged_repo) &&
	f=dmg/.jvs/snapshots/$id/big.txt &&
	seq 1 20000 | tr 1 2 | zstd -q -c >$f &&
	test_must_fail --exit=4 jvs -C dmg verify $id >out &&
	grep "E_PAYLOAD_HASH_MISMATCH big.txt: content changed" out
'

test_expect_success 'a frame in an uncompressed snapshot is damage, not data' '
	rm -rf un && jvs-init un >/dev/null &&
	seq 1 20000 >un/main/big.txt &&
	id=$(cd un/main && jvs snapshot -q) &&
	seq 1 20000 | zstd -q -c >un/.jvs/snapshots/$id/big.txt &&
	test_must_fail --exit=4 jvs -C un verify $id >out &&
	grep "E_PAYLOAD_HASH_MISMATCH big.txt: size changed" out &&
	test "$(cat un/.jvs/format_version)" = 1
'

test_expect_success 'a descriptor naming an unknown compression: E_FORMAT_UNSUPPORTED' '
	id=$(damaged_repo) &&
	d=dmg/.jvs/descriptors/$id.json &&
	python3 - "$d" <<-\EOF &&
	import json, sys, hashlib
	p = sys.argv[1]
	j = json.load(open(p))
	j["compression"] = "zstd-ultra"
	body = {k: v for k, v in j.items() if k not in ("descriptor_checksum", "integrity_state")}
	canon = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
	j["descriptor_checksum"] = hashlib.blake2b(canon.encode(), digest_size=32).hexdigest()
	json.dump(j, open(p, "w"))
	EOF
	test_must_fail jvs -C dmg/main restore --discard $id 2>err &&
	grep "compressed as .zstd-ultra., which this jvs cannot read" err
'

test_expect_success 'xattrs of compressed files are kept (in the manifest)' '
	rm -rf xa && jvs-init xa >/dev/null &&
	seq 1 20000 >xa/main/big.txt &&
	if setfattr -n user.color -v blue xa/main/big.txt 2>/dev/null; then
		id=$(cd xa/main && jvs snapshot -q --compress fast) &&
		grep "xattr:user.color=" xa/.jvs/manifests/$id &&
		echo other >xa/main/big.txt && setfattr -x user.color xa/main/big.txt &&
		(cd xa/main && jvs restore --discard $id) &&
		test "$(getfattr --only-values -n user.color xa/main/big.txt)" = blue &&
		seq 1 20000 >expect && test_cmp expect xa/main/big.txt
	else
		echo "# no user xattrs here: skipped"
	fi
'

test_expect_success 'a .zst file of the worktree is stored as it is and restored as it is' '
	rm -rf zf && jvs-init zf >/dev/null &&
	head -c 300000 /dev/urandom | zstd -q -c >zf/main/data.zst &&
	zstd_magic zf/main/data.zst &&
	cp zf/main/data.zst expect &&
	id=$(cd zf/main && jvs snapshot -q --compress max) &&
	cmp expect zf/.jvs/snapshots/$id/data.zst &&
	echo other >zf/main/data.zst &&
	(cd zf/main && jvs restore --discard $id) &&
	cmp expect zf/main/data.zst &&
	jvs -C zf verify $id
'

test_expect_success 'a partial snapshot (-- PATH) compresses too' '
	echo 3 >>repo/main/src/f6.txt &&
	p=$(in_main jvs snapshot -q --compress fast partial -- src/f6.txt) &&
	zstd_magic repo/.jvs/snapshots/$p/src/f6.txt &&
	test "$(jq -r .compression repo/.jvs/descriptors/$p.json)" = zstd-fast &&
	cp repo/main/src/f6.txt expect &&
	echo gone >repo/main/src/f6.txt &&
	in_main jvs restore --discard $p -- src/f6.txt &&
	test_cmp expect repo/main/src/f6.txt &&
	jvs -C repo verify $p
'

test_expect_success 'diff -p between compressed snapshots shows the plain text' '
	a=$(cat id1) && b=$(cat id2) &&
	jvs -C repo/main diff -p $a $b >out &&
	grep "^-line 8 2000\$" out &&
	grep "^+one more\$" out
'

test_done
