#!/bin/sh

test_description='hostile repositories: crafted control-plane files and symlinks

Descriptors that are huge, deeply nested, of the wrong types or that name
ids with "/" or "..", manifests naming ../../etc/passwd, symlinks in .jvs/
(a snapshot payload, .jvs/descriptors) or inside a payload pointing out of
the repository, a worktree config naming another worktree, a payload root
replaced by a symlink. Each is refused with the right error class, and a
canary directory outside the repository is neither written nor replaced
(its listing, modes, mtimes and hashes stay the same).'

. "$(dirname "$0")/test-lib.sh"

if command -v python3 >/dev/null 2>&1; then
	test_set_prereq PYTHON3
fi

# reseal DESCRIPTOR [python statements on d]: edits a descriptor and
# recomputes payload_root_hash (from the manifest beside it, when
# RESEAL_MANIFEST is set) and descriptor_checksum, so only the parser can
# catch the damage.
reseal () {
	python3 - "$@" <<-\EOF
	import hashlib, json, sys
	path = sys.argv[1]
	d = json.load(open(path))
	if len(sys.argv) > 2:
	    exec(sys.argv[2])
	if not isinstance(d, dict):  # not a descriptor at all: nothing to seal
	    open(path, "w").write(json.dumps(d) + "\n")
	    sys.exit(0)
	if len(sys.argv) > 3:
	    d["payload_root_hash"] = hashlib.blake2b(open(sys.argv[3], "rb").read(),
	                                             digest_size=32).hexdigest()
	if isinstance(d, dict):  # an edit may replace the object ("d = []"): no checksum
	    body = {k: v for k, v in d.items() if k not in ("descriptor_checksum", "integrity_state")}
	    canon = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
	    d["descriptor_checksum"] = hashlib.blake2b(canon.encode(), digest_size=32).hexdigest()
	open(path, "w").write(json.dumps(d, indent=2) + "\n")
	EOF
}

canary_state () {
	(cd "$TRASH_DIRECTORY/canary" &&
	 find . -printf '%p %y %m %s %T@ %l\n' | sort &&
	 find . -type f -exec sha256sum {} + | sort)
}

canary_unchanged () {
	canary_state >canary.now &&
	test_cmp canary.expect canary.now
}

# expect_class EXIT CLASS CMD...: fails with EXIT and names CLASS (on
# stderr, or in verify's report on stdout).
expect_class () {
	exit_=$1 class_=$2 &&
	shift 2 &&
	test_must_fail --exit="$exit_" "$@" >out 2>err &&
	cat out err | grep "$class_"
}

test_expect_success 'setup: a repository of two snapshots and a canary' '
	jvs init r >/dev/null &&
	mkdir r/main/d &&
	echo one >r/main/a &&
	echo bee >r/main/d/b &&
	(cd r/main && jvs snapshot -q first) >id1 &&
	echo two >r/main/a &&
	(cd r/main && jvs snapshot -q second) >id2 &&
	mkdir canary &&
	cp -a r/.jvs/snapshots/$(cat id1)/. canary/ &&
	echo precious >canary/precious &&
	canary_state >canary.expect
'

id1=$(cat "$TRASH_DIRECTORY/id1" 2>/dev/null)
id2=$(cat "$TRASH_DIRECTORY/id2" 2>/dev/null)

fresh () {
	rm -rf c && cp -a r c
}

test_expect_success 'a descriptor larger than 16 MiB is corrupt, not loaded' '
	fresh &&
	{ printf "{\"note\":\"" && head -c 17000000 /dev/zero | tr "\0" x && printf "\"}"; } \
		>c/.jvs/descriptors/$id1.json &&
	expect_class 4 E_DESCRIPTOR_CORRUPT jvs -C c verify $id1 &&
	jvs -C c verify $id2 &&
	test_must_fail --exit=4 jvs -C c history --all >out 2>err &&
	grep "${id2#*-}" out && grep "E_DESCRIPTOR_CORRUPT.*too large" err
'

test_expect_success 'a deeply nested descriptor is corrupt' '
	fresh &&
	{ head -c 200000 /dev/zero | tr "\0" "[" && head -c 200000 /dev/zero | tr "\0" "]"; } \
		>c/.jvs/descriptors/$id1.json &&
	expect_class 4 E_DESCRIPTOR_CORRUPT jvs -C c verify $id1
'

test_expect_success PYTHON3 'descriptor fields of the wrong type are corrupt' '
	for edit in "d[\"file_count\"] = \"many\"" "d[\"tags\"] = {\"a\": 1}" \
		    "d[\"note\"] = [1]" "d[\"parent_id\"] = 7" "d[\"total_bytes\"] = -1.5" \
		    "d[\"degraded\"] = None" "d = []"; do
		fresh &&
		reseal c/.jvs/descriptors/$id2.json "$edit" &&
		expect_class 4 E_DESCRIPTOR_CORRUPT jvs -C c verify $id2 || return 1
	done
'

test_expect_success PYTHON3 'descriptor ids with "/" or ".." are corrupt' '
	for bad in "../../etc/passwd" "$id1/../x" "/etc/passwd" ".."; do
		fresh &&
		reseal c/.jvs/descriptors/$id2.json "d[\"snapshot_id\"] = \"$bad\"" &&
		expect_class 4 E_DESCRIPTOR_CORRUPT jvs -C c verify $id2 &&
		fresh &&
		reseal c/.jvs/descriptors/$id2.json "d[\"parent_id\"] = \"$bad\"" &&
		expect_class 4 E_DESCRIPTOR_CORRUPT jvs -C c verify $id2 || return 1
	done
'

test_expect_success 'references with "/" or ".." match nothing' '
	fresh &&
	for ref in ../../etc/passwd /etc/passwd .. "$id1/.." "../$id1"; do
		expect_class 3 E_NOT_FOUND jvs -C c/main restore "$ref" || return 1
	done &&
	canary_unchanged
'

test_expect_success 'a manifest naming ../../etc/passwd: hash mismatch, then parser' '
	fresh &&
	m=c/.jvs/manifests/$id1 &&
	sed "s|	d/b	|	../../canary/b	|" $m >m.new &&
	cat m.new >$m &&
	expect_class 4 E_PAYLOAD_HASH_MISMATCH jvs -C c verify $id1 &&
	expect_class 4 E_PAYLOAD_HASH_MISMATCH jvs -C c/main restore $id1 &&
	canary_unchanged
'

test_expect_success PYTHON3 'a resealed manifest with an unsafe path is corrupt' '
	for p in ../../canary/b /etc/passwd d/../../canary/b ./a d//b; do
		fresh &&
		m=c/.jvs/manifests/$id1 &&
		awk -v p="$p" "BEGIN{FS=OFS=\"\t\"} \$2==\"d/b\"{\$2=p} {print}" $m >m.new &&
		LC_ALL=C sort -t "	" -k2,2 m.new >$m &&
		reseal c/.jvs/descriptors/$id1.json "" $m &&
		expect_class 4 E_DESCRIPTOR_CORRUPT jvs -C c verify $id1 &&
		test_must_fail jvs -C c/main restore --discard $id1 2>err &&
		grep -E "E_DESCRIPTOR_CORRUPT|E_PARTIAL_SNAPSHOT" err || return 1
	done &&
	canary_unchanged
'

test_expect_success 'a snapshot payload replaced by a symlink out of the repo' '
	fresh &&
	rm -rf c/.jvs/snapshots/$id1 &&
	ln -s "$TRASH_DIRECTORY/canary" c/.jvs/snapshots/$id1 &&
	echo local >c/main/a &&
	test_must_fail jvs -C c/main restore --discard $id1 2>err &&
	test_must_fail --exit=4 jvs -C c verify --all >out &&
	grep "FAIL $id1 E_PARTIAL_SNAPSHOT payload directory is not a directory" out &&
	test_must_fail --exit=4 jvs -C c doctor --strict &&
	echo local >expect &&
	test_cmp expect c/main/a &&
	canary_unchanged
'

test_expect_success 'a directory inside a payload replaced by a symlink' '
	fresh &&
	rm -rf c/.jvs/snapshots/$id1/d &&
	ln -s "$TRASH_DIRECTORY/canary/d" c/.jvs/snapshots/$id1/d &&
	echo changed >c/main/d/b &&
	expect_class 4 E_PARTIAL_SNAPSHOT jvs -C c/main restore --discard $id1 &&
	expect_class 4 E_PAYLOAD_HASH_MISMATCH jvs -C c verify $id1 &&
	echo changed >expect &&
	test_cmp expect c/main/d/b &&
	canary_unchanged
'

test_expect_success 'a payload file replaced by a symlink out of the repo' '
	fresh &&
	rm -f c/.jvs/snapshots/$id1/d/b &&
	ln -s "$TRASH_DIRECTORY/canary/d/b" c/.jvs/snapshots/$id1/d/b &&
	echo changed >c/main/d/b &&
	expect_class 4 E_PAYLOAD_HASH_MISMATCH jvs -C c verify $id1 &&
	test_must_fail --exit=4 jvs -C c/main restore --discard $id1 &&
	canary_unchanged
'

test_expect_success '.jvs/descriptors as a symlink: every command refuses' '
	fresh &&
	rm -rf c/.jvs/descriptors &&
	ln -s "$TRASH_DIRECTORY/canary" c/.jvs/descriptors &&
	echo more >c/main/new &&
	expect_class 2 E_PATH_ESCAPE jvs -C c/main snapshot -q x &&
	expect_class 2 E_PATH_ESCAPE jvs -C c history &&
	expect_class 2 E_PATH_ESCAPE jvs -C c/main restore $id1 &&
	expect_class 2 E_PATH_ESCAPE jvs -C c gc plan &&
	canary_unchanged
'

test_expect_success 'the other control-plane directories as symlinks' '
	for dir in snapshots manifests intents audit gc/pins tmp locks worktrees; do
		fresh &&
		rm -rf c/.jvs/$dir &&
		ln -s "$TRASH_DIRECTORY/canary" c/.jvs/$dir &&
		expect_class 2 E_PATH_ESCAPE jvs -C c/main snapshot -q x || return 1
	done &&
	canary_unchanged
'

test_expect_success 'a worktree config naming another worktree is corrupt' '
	fresh &&
	jvs -C c worktree fork $id1 other >/dev/null &&
	sed "s/\"name\": *\"other\"/\"name\": \"main\"/" c/.jvs/worktrees/other/config.json >cfg &&
	cat cfg >c/.jvs/worktrees/other/config.json &&
	expect_class 4 E_DESCRIPTOR_CORRUPT jvs -C c -w other snapshot -q x &&
	expect_class 4 E_DESCRIPTOR_CORRUPT jvs -C c -w other status
'

test_expect_success 'a payload root replaced by a symlink is refused' '
	fresh &&
	rm -rf c/main &&
	ln -s "$TRASH_DIRECTORY/canary" c/main &&
	expect_class 2 E_PATH_ESCAPE jvs -C c -w main restore --discard $id2 &&
	expect_class 2 E_PATH_ESCAPE jvs -C c -w main snapshot -q x &&
	expect_class 2 E_PATH_ESCAPE jvs -C c -w main status &&
	canary_unchanged &&
	fresh &&
	jvs -C c worktree fork $id1 other >/dev/null &&
	rm -rf c/worktrees/other &&
	ln -s "$TRASH_DIRECTORY/canary" c/worktrees/other &&
	expect_class 2 E_PATH_ESCAPE jvs -C c -w other restore --discard $id2 &&
	canary_unchanged
'

test_done
