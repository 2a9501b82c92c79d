#!/bin/sh

test_description='jvs snapshot: output, descriptor, manifest, metadata, refusals, dedup, audit, locks'

. "$(dirname "$0")/test-lib.sh"

ID_RE='[0-9]\{13\}-[0-9a-f]\{8\}'

# snap [ARGS...]: jvs-snapshot run inside repo/main
snap () {
	(cd repo/main && jvs-snapshot "$@")
}

# json_field KEY <json: prints a field (strings raw, others as JSON)
json_field () {
	python3 -c '
import json, sys
v = json.load(sys.stdin)[sys.argv[1]]
print(v if isinstance(v, str) else json.dumps(v))' "$1"
}

# new_hash [ARGS...]: takes a snapshot, prints its payload_root_hash
new_hash () {
	snap --json "$@" | json_field payload_root_hash
}

# Everything in the control plane a failed snapshot must not change.
control_state () {
	(cd repo/.jvs && find . \( -path ./index.sqlite -o -path ./locks \) -prune -o -print |
		LC_ALL=C sort) &&
	cat repo/.jvs/audit/audit.jsonl repo/.jvs/worktrees/main/config.json
}

no_leftovers () {
	find repo -name "*.tmp" -o -name "*.tmp.*" -o -name ".jvs-tmp-*" >leftovers &&
	find repo/.jvs/intents repo/.jvs/tmp -mindepth 1 >>leftovers &&
	cat leftovers &&
	test ! -s leftovers
}

# Metadata of every entry below DIR (relative paths): type, mode, mtime (ns).
meta () {
	(cd "$1" && find . -mindepth 1 -printf '%p %y %m %T@\n' | LC_ALL=C sort)
}

test_expect_success 'setup' '
	jvs-init repo >/dev/null &&
	echo hello >repo/main/hello.txt
'

test_expect_success 'snapshot prints Created snapshot <id>' '
	snap first >out 2>err &&
	test $(wc -l <out) -eq 1 &&
	grep "^Created snapshot $ID_RE\$" out &&
	test ! -s err &&
	no_leftovers
'

test_expect_success '-q prints only the id' '
	snap -q second >out &&
	test $(wc -l <out) -eq 1 &&
	grep "^$ID_RE\$" out &&
	id=$(cat out) &&
	test -f repo/.jvs/descriptors/$id.json &&
	test -f repo/.jvs/manifests/$id &&
	test -d repo/.jvs/snapshots/$id &&
	test -f repo/.jvs/snapshots/$id.READY
'

test_expect_success '--json prints the descriptor with exactly the SPEC fields' '
	snap --json "json note" --tag t1 --tag t2 >out &&
	id=$(json_field snapshot_id <out) &&
	test_cmp repo/.jvs/descriptors/$id.json out &&
	python3 - out <<-\EOF
	import hashlib, json, sys
	raw = open(sys.argv[1]).read()
	d = json.loads(raw)
	want = ["snapshot_id", "worktree_name", "parent_id", "created_at", "note", "tags",
	        "engine", "hash_algorithm", "payload_root_hash", "file_count", "total_bytes",
	        "degraded", "integrity_state", "descriptor_checksum"]
	assert sorted(d) == sorted(want), sorted(d)
	assert raw.count("\"snapshot_id\"") == 1
	assert "\n  \"snapshot_id\": \"" in raw, "two-space indent and key: value"
	assert d["worktree_name"] == "main"
	assert d["note"] == "json note"
	assert d["tags"] == ["t1", "t2"]
	assert d["hash_algorithm"] == "blake2b-256"
	assert d["engine"] in ("copy", "reflink-copy", "juicefs-clone")
	assert d["degraded"] == []
	assert d["integrity_state"] in ("verified", "unverified")
	assert d["file_count"] == 1 and d["total_bytes"] == 6, d
	assert isinstance(d["parent_id"], str) and len(d["parent_id"]) == 22
	ms = int(d["snapshot_id"][:13])
	import datetime
	t = datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc)
	assert d["created_at"] == t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (ms % 1000), d
	body = {k: v for k, v in d.items() if k not in ("descriptor_checksum", "integrity_state")}
	canon = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
	h = hashlib.blake2b(canon.encode(), digest_size=32).hexdigest()
	assert h == d["descriptor_checksum"], (h, d["descriptor_checksum"])
	EOF
'

test_expect_success 'first snapshot has a null parent; later ones chain' '
	jvs-history -C repo/main --format id >ids &&
	first=$(tail -n 1 ids) &&
	python3 - repo/.jvs/descriptors ids <<-\EOF
	import json, sys
	ids = [l.strip() for l in open(sys.argv[2])][::-1]
	ds = [json.load(open("%s/%s.json" % (sys.argv[1], i))) for i in ids]
	assert ds[0]["parent_id"] is None, ds[0]
	for a, b in zip(ds, ds[1:]):
	    assert b["parent_id"] == a["snapshot_id"], (a, b)
	EOF
'

test_expect_success 'manifest content hashes equal b2sum -l 256 of the files' '
	mkdir -p repo/main/sub/deeper &&
	printf "some\nlines\n" >repo/main/sub/a &&
	head -c 100000 /dev/urandom >repo/main/sub/deeper/random.bin &&
	: >repo/main/empty-file &&
	id=$(snap -q) &&
	(cd repo/main && b2sum -l 256 empty-file hello.txt sub/a sub/deeper/random.bin) |
		sed "s/  / /" >expect &&
	awk -F "\t" "\$1 == \"file\" { print \$5, \$2 }" repo/.jvs/manifests/$id >actual &&
	test_cmp expect actual &&
	(cd repo/.jvs/snapshots/$id && b2sum -l 256 empty-file hello.txt sub/a sub/deeper/random.bin) |
		sed "s/  / /" >payload &&
	test_cmp expect payload
'

test_expect_success 'payload_root_hash is the BLAKE2b-256 of the manifest bytes' '
	id=$(jvs-history -C repo/main --format id --limit 1) &&
	b2sum -l 256 repo/.jvs/manifests/$id | cut -d " " -f 1 >expect &&
	json_field payload_root_hash <repo/.jvs/descriptors/$id.json >actual &&
	test_cmp expect actual
'

test_expect_success 'manifest records for file, dir and symlink' '
	jvs-init m >/dev/null &&
	mkdir -p m/main/d/e &&
	printf abc >m/main/d/f &&
	chmod 0640 m/main/d/f &&
	chmod 0750 m/main/d &&
	chmod 0700 m/main/d/e &&
	ln -s d/f m/main/link &&
	id=$(cd m/main && jvs-snapshot -q) &&
	h_abc=$(printf abc | b2sum -l 256 | cut -d " " -f 1) &&
	h_target=$(printf d/f | b2sum -l 256 | cut -d " " -f 1) &&
	printf "dir\td\t0750\t-\t-\n" >expect &&
	printf "dir\td/e\t0700\t-\t-\n" >>expect &&
	printf "file\td/f\t0640\t3\t%s\n" $h_abc >>expect &&
	printf "symlink\tlink\t-\t-\t%s\n" $h_target >>expect &&
	test_cmp expect m/.jvs/manifests/$id
'

test_expect_success 'paths with tab, newline and backslash are escaped in the manifest' '
	jvs-init esc >/dev/null &&
	printf x >"esc/main/$(printf "tab\there")" &&
	printf y >"esc/main/$(printf "new\nline")" &&
	printf z >"esc/main/back\\slash" &&
	id=$(cd esc/main && jvs-snapshot -q) &&
	test $(wc -l <esc/.jvs/manifests/$id) -eq 3 &&
	cut -f 2 esc/.jvs/manifests/$id >actual &&
	printf "%s\n" "back\\\\slash" "new\\nline" "tab\\there" >expect &&
	test_cmp expect actual &&
	test "$(cat "esc/.jvs/snapshots/$id/$(printf "new\nline")")" = y
'

test_expect_success 'modes, mtimes, empty dirs and symlinks are preserved in the payload' '
	jvs-init meta >/dev/null &&
	w=meta/main &&
	mkdir -p $w/sgid/inner $w/empty/nested $w/ro &&
	echo secret >$w/secret && chmod 0600 $w/secret &&
	echo "#!/bin/sh" >$w/run.sh && chmod 0755 $w/run.sh &&
	echo odd >$w/odd && chmod 0604 $w/odd &&
	echo in >$w/sgid/inner/file &&
	chmod 2755 $w/sgid &&
	echo r >$w/ro/file && chmod 0444 $w/ro/file &&
	ln -s secret $w/link &&
	ln -s ../nowhere/at/all $w/sgid/dangling &&
	ln -s "$(pwd)/meta/main/secret" $w/absolute &&
	touch -h -d "2021-03-04 05:06:07.123456789" $w/link &&
	touch -d "2020-01-02 03:04:05.5" $w/secret $w/run.sh $w/sgid/inner/file &&
	touch -d "2019-05-06 07:08:09" $w/sgid/inner $w/empty/nested $w/empty &&
	touch -d "2018-01-01 00:00:00" $w/sgid &&
	chmod 0555 $w/ro && touch -d "2017-01-01 00:00:00" $w/ro &&
	id=$(cd $w && jvs-snapshot -q) &&
	meta $w >expect &&
	meta meta/.jvs/snapshots/$id >actual &&
	chmod 0755 $w/ro meta/.jvs/snapshots/$id/ro &&
	test_cmp expect actual &&
	test "$(stat -c %a meta/.jvs/snapshots/$id/sgid)" = 2755 &&
	test "$(readlink meta/.jvs/snapshots/$id/sgid/dangling)" = ../nowhere/at/all &&
	test "$(readlink meta/.jvs/snapshots/$id/link)" = secret &&
	test "$(readlink meta/.jvs/snapshots/$id/absolute)" = "$(pwd)/meta/main/secret" &&
	test -d meta/.jvs/snapshots/$id/empty/nested &&
	grep "^dir	empty/nested	0755	-	-\$" meta/.jvs/manifests/$id &&
	grep "^dir	sgid	2755	-	-\$" meta/.jvs/manifests/$id
'

test_expect_success 'symlinks are stored, never followed' '
	test -L meta/.jvs/snapshots/$(jvs-history -C meta/main --format id)/absolute &&
	grep "^symlink	absolute	-	-	" meta/.jvs/manifests/* &&
	! grep "^file	absolute" meta/.jvs/manifests/*
'

test_expect_success 'a user file named .READY round-trips unchanged' '
	echo "user data" >repo/main/.READY &&
	mkdir -p repo/main/x.READY &&
	echo inner >repo/main/x.READY/.READY &&
	id=$(snap -q) &&
	test_cmp repo/main/.READY repo/.jvs/snapshots/$id/.READY &&
	test_cmp repo/main/x.READY/.READY repo/.jvs/snapshots/$id/x.READY/.READY &&
	grep "^file	.READY	" repo/.jvs/manifests/$id &&
	test -f repo/.jvs/snapshots/$id.READY &&
	! test_cmp repo/main/.READY repo/.jvs/snapshots/$id.READY
'

test_expect_success 'snapshot leaves the worktree untouched' '
	(cd repo/main && find . -printf "%p %y %m %s %n %T@ %C@\n" | LC_ALL=C sort) >before &&
	snap -q >/dev/null &&
	(cd repo/main && find . -printf "%p %y %m %s %n %T@ %C@\n" | LC_ALL=C sort) >after &&
	test_cmp before after
'

test_expect_success 'a FIFO is refused, naming it, and nothing is published' '
	mkfifo repo/main/p &&
	control_state >before &&
	test_must_fail --exit=1 snap 2>err &&
	grep "^jvs-snapshot: E_UNSUPPORTED_FILE: " err &&
	grep -w p err &&
	control_state >after &&
	test_cmp before after &&
	no_leftovers &&
	rm repo/main/p
'

test_expect_success 'a nested FIFO and a socket are refused with their paths' '
	mkdir -p repo/main/deep/er &&
	mkfifo repo/main/deep/er/pipe &&
	control_state >before &&
	test_must_fail --exit=1 snap 2>err &&
	grep "E_UNSUPPORTED_FILE: .*deep/er/pipe" err &&
	rm repo/main/deep/er/pipe &&
	python3 -c "import socket; socket.socket(socket.AF_UNIX).bind(\"repo/main/deep/sock\")" &&
	test_must_fail --exit=1 snap 2>err &&
	grep "E_UNSUPPORTED_FILE: .*deep/sock" err &&
	rm repo/main/deep/sock &&
	control_state >after &&
	test_cmp before after &&
	no_leftovers
'

test_expect_success 'an empty worktree can be snapshotted' '
	jvs-init empty >/dev/null &&
	(cd empty/main && jvs-snapshot --json) >out &&
	id=$(json_field snapshot_id <out) &&
	test "$(json_field file_count <out)" = 0 &&
	test "$(json_field total_bytes <out)" = 0 &&
	test ! -s empty/.jvs/manifests/$id &&
	printf "" | b2sum -l 256 | cut -d " " -f 1 >expect &&
	json_field payload_root_hash <out >actual &&
	test_cmp expect actual &&
	test -d empty/.jvs/snapshots/$id &&
	test -z "$(ls -A empty/.jvs/snapshots/$id)"
'

test_expect_success '20 snapshots in a tight loop get distinct, increasing ids' '
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20
	do
		(cd empty/main && jvs-snapshot -q "loop $i") || echo failed >>failed
	done >ids &&
	test ! -e failed &&
	test $(wc -l <ids) -eq 20 &&
	test $(sort -u ids | wc -l) -eq 20 &&
	LC_ALL=C sort -c ids &&
	! grep -v "^$ID_RE\$" ids
'

test_expect_success 'options may follow the note; -m gives the note too' '
	snap "the note" --tag a -q --tag b >out &&
	id=$(cat out) &&
	json_field note <repo/.jvs/descriptors/$id.json >actual &&
	echo "the note" >expect &&
	test_cmp expect actual &&
	json_field tags <repo/.jvs/descriptors/$id.json >actual &&
	echo "[\"a\", \"b\"]" >expect &&
	test_cmp expect actual &&
	id=$(snap -q -m "dash m") &&
	test "$(json_field note <repo/.jvs/descriptors/$id.json)" = "dash m" &&
	test_must_fail --exit=2 snap one two 2>err &&
	grep E_USAGE err
'

test_expect_success 'invalid tags exit 2 and create nothing' '
	control_state >before &&
	for t in ../x a/b "" HEAD "$(printf "a\tb")" "a b" "x*" ".." "."
	do
		test_must_fail --exit=2 snap --tag "$t" 2>err &&
		grep "E_NAME_INVALID" err >/dev/null || echo "tag [$t] accepted" >>bad
	done &&
	test_must_fail --exit=2 snap --tag ok --tag ../x 2>err &&
	test ! -e bad &&
	control_state >after &&
	test_cmp before after
'

test_expect_success 'payload_root_hash: unchanged tree gives the same hash' '
	jvs-init rh >/dev/null &&
	mkdir rh/main/dir &&
	echo content >rh/main/dir/file &&
	chmod 0644 rh/main/dir/file &&
	ln -s dir/file rh/main/link &&
	(cd rh/main && jvs-snapshot --json | json_field payload_root_hash) >h0 &&
	(cd rh/main && jvs-snapshot --json | json_field payload_root_hash) >h1 &&
	test_cmp h0 h1 &&
	touch -d "2001-01-01" rh/main/dir/file &&
	(cd rh/main && jvs-snapshot --json | json_field payload_root_hash) >h2 &&
	test_cmp h0 h2
'

test_expect_success 'payload_root_hash changes with content, mode, empty dir, symlink target' '
	cp h0 seen &&
	echo changed >rh/main/dir/file &&
	(cd rh/main && jvs-snapshot --json | json_field payload_root_hash) >h &&
	! grep -F -f h seen && cat h >>seen &&
	chmod 0755 rh/main/dir/file &&
	(cd rh/main && jvs-snapshot --json | json_field payload_root_hash) >h &&
	! grep -F -f h seen && cat h >>seen &&
	mkdir rh/main/new-empty-dir &&
	(cd rh/main && jvs-snapshot --json | json_field payload_root_hash) >h &&
	! grep -F -f h seen && cat h >>seen &&
	ln -sfn dir rh/main/link &&
	(cd rh/main && jvs-snapshot --json | json_field payload_root_hash) >h &&
	! grep -F -f h seen && cat h >>seen &&
	chmod 0700 rh/main/dir &&
	(cd rh/main && jvs-snapshot --json | json_field payload_root_hash) >h &&
	! grep -F -f h seen && cat h >>seen &&
	test $(sort -u seen | wc -l) -eq 6
'

test_expect_success 'payload_root_hash does not depend on creation order or repository' '
	jvs-init o1 >/dev/null &&
	jvs-init o2 >/dev/null &&
	for f in b a c/z c/y
	do
		mkdir -p o1/main/c && echo "$f" >o1/main/$f || echo $f >>bad
	done &&
	for f in c/y c/z a b
	do
		mkdir -p o2/main/c && echo "$f" >o2/main/$f || echo $f >>bad
	done &&
	test ! -e bad &&
	(cd o1/main && jvs-snapshot --json | json_field payload_root_hash) >h1 &&
	(cd o2/main && jvs-snapshot --json | json_field payload_root_hash) >h2 &&
	test_cmp h1 h2
'

test_expect_success 'copy engine: unchanged files are hard-linked from the parent snapshot' '
	jvs-init dedup >/dev/null &&
	echo same >dedup/main/same &&
	echo old >dedup/main/changed &&
	mkdir dedup/main/d &&
	echo nested >dedup/main/d/same2 &&
	sleep 0.1 &&
	a=$(cd dedup/main && JVS_SNAPSHOT_ENGINE=copy jvs-snapshot -q) &&
	echo new >dedup/main/changed &&
	b=$(cd dedup/main && JVS_SNAPSHOT_ENGINE=copy jvs-snapshot -q) &&
	S=dedup/.jvs/snapshots &&
	test "$(stat -c %i $S/$a/same)" = "$(stat -c %i $S/$b/same)" &&
	test "$(stat -c %i $S/$a/d/same2)" = "$(stat -c %i $S/$b/d/same2)" &&
	test "$(stat -c %i $S/$a/changed)" != "$(stat -c %i $S/$b/changed)" &&
	test "$(cat $S/$a/changed)" = old &&
	test "$(cat $S/$b/changed)" = new &&
	test "$(stat -c %h $S/$b/same)" -eq 2
'

test_expect_success 'snapshot files are never hard links to worktree files' '
	S=dedup/.jvs/snapshots &&
	for f in same changed d/same2
	do
		test "$(stat -c %h dedup/main/$f)" -eq 1 || echo "$f: link count" >>bad &&
		for s in $(ls $S | grep -v READY)
		do
			test "$(stat -c %i dedup/main/$f)" != "$(stat -c %i $S/$s/$f)" ||
				echo "$s/$f shares the worktree inode" >>bad
		done
	done &&
	test ! -e bad
'

test_expect_success 'editing a worktree file never changes a snapshot' '
	S=dedup/.jvs/snapshots &&
	b=$(jvs-history -C dedup/main --format id --limit 1) &&
	echo appended >>dedup/main/same &&
	echo same >expect &&
	test_cmp expect $S/$b/same
'

cat >audit_check.py <<\EOF
import hashlib, json, sys
recs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
prev = None
for i, r in enumerate(recs):
    assert r["prev_hash"] == prev, (i, r["prev_hash"], prev)
    body = {k: v for k, v in r.items() if k != "record_hash"}
    canon = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    h = hashlib.blake2b(canon.encode(), digest_size=32).hexdigest()
    assert h == r["record_hash"], (i, h, r["record_hash"])
    for k in ("event_id", "timestamp", "operation", "actor", "target", "details", "reason"):
        assert k in r, (i, k)
    prev = r["record_hash"]
print(len(recs))
EOF

test_expect_success 'audit: one record per snapshot, hash-chained' '
	python3 audit_check.py repo/.jvs/audit/audit.jsonl >n_before &&
	id1=$(snap -q "audit one" --tag au) &&
	id2=$(export JVS_ACTOR=tester && snap -q "note with \"quotes\" and ünïcödé") &&
	python3 audit_check.py repo/.jvs/audit/audit.jsonl >n_after &&
	test $(cat n_after) -eq $(($(cat n_before) + 2)) &&
	tail -n 2 repo/.jvs/audit/audit.jsonl >last2 &&
	python3 - last2 $id1 $id2 <<-\EOF
	import json, sys
	a, b = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
	assert a["operation"] == "snapshot" and a["target"] == sys.argv[2], a
	assert b["operation"] == "snapshot" and b["target"] == sys.argv[3], b
	assert b["actor"] == "tester", b
	assert a["reason"] is None
	EOF
'

test_expect_success 'audit chain of every repository made here is intact' '
	for r in repo m esc meta empty rh dedup
	do
		python3 audit_check.py $r/.jvs/audit/audit.jsonl >/dev/null || echo $r >>bad
	done &&
	test ! -e bad
'

test_expect_success 'a failed snapshot appends no audit record' '
	cp repo/.jvs/audit/audit.jsonl before &&
	test_must_fail snap --tag HEAD 2>/dev/null &&
	mkfifo repo/main/fifo &&
	test_must_fail snap 2>/dev/null &&
	rm repo/main/fifo &&
	test_cmp before repo/.jvs/audit/audit.jsonl
'

LOCK=repo/.jvs/locks/worktree-main.lock

# hold_lock SECONDS: holds the worktree lock with flock(1) in the background;
# waits until it is really held. Records the holder's pid in holder.pid.
# release_lock ends it early. Tests that need the lock held while a command
# runs hold it for much longer than they need (the command may run under
# valgrind) and release it after.
release_lock () {
	while ! test -s sleeper.pid; do sleep 0.05; done
	kill "$(cat sleeper.pid)" &&
	rm -f sleeper.pid &&
	wait
}

hold_lock () {
	rm -f sleeper.pid
	flock "$LOCK" sh -c 'echo $$ >sleeper.pid; exec sleep "$1"' sh "$1" >/dev/null 2>&1 &
	echo $! >holder.pid
	n_=0
	while flock -n "$LOCK" true
	do
		n_=$((n_ + 1))
		test $n_ -lt 100 || return 1
		sleep 0.05
	done
}

test_expect_success 'snapshot while the worktree lock is held: E_LOCKED, exit 5' '
	snap -q >/dev/null &&
	control_state >before &&
	hold_lock 120 &&
	test_must_fail --exit=5 snap 2>err &&
	release_lock &&
	grep "^jvs-snapshot: E_LOCKED: " err &&
	grep "pid [0-9][0-9]*" err &&
	grep "^hint: .*--wait" err &&
	control_state >after &&
	test_cmp before after
'

test_expect_success '--wait=5 succeeds once the holder exits' '
	hold_lock 1 &&
	snap --wait=5 -q >id &&
	grep "^$ID_RE\$" id &&
	wait &&
	no_leftovers
'

test_expect_success '--wait=1 gives up while the lock is still held' '
	hold_lock 120 &&
	test_must_fail --exit=5 snap --wait=1 2>err &&
	release_lock &&
	grep E_LOCKED err
'

test_expect_success 'E_LOCKED names the pid of the live holder, not a stale one' '
	hold_lock 120 &&
	test_must_fail --exit=5 snap 2>err &&
	release_lock &&
	pid=$(sed -n "s/.*pid \([0-9][0-9]*\).*/\1/p" err) &&
	test "$pid" = "$(cat holder.pid)"
'

test_expect_success 'no leftovers after all of the above' '
	no_leftovers
'

test_done
