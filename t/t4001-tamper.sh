#!/bin/sh

test_description='jvs verify --all finds every kind of tampering, and nothing else

Each case tampers with one thing in a fresh copy of a repository of three
snapshots and checks that verify --all names exactly that snapshot (or the
audit chain) with the right error class and path, says TAMPERED, exits 4,
and reports every other snapshot OK; --json carries the same verdict;
doctor --strict exits 4 for descriptor, manifest, .READY and audit damage.'

. "$(dirname "$0")/test-lib.sh"

# The repository: sub/data changes in every snapshot (its own inode in
# each), "shared" never changes (one inode hard-linked into all three).
test_expect_success 'setup: three snapshots, a tag, a symlink, an empty dir' '
	jvs init r >/dev/null &&
	echo shared >r/main/shared &&
	mkdir r/main/sub r/main/empty &&
	echo v1 >r/main/sub/data &&
	ln -s shared r/main/link &&
	(cd r/main && jvs snapshot -q first) >id1 &&
	echo v2 >r/main/sub/data &&
	(cd r/main && jvs snapshot -q second --tag mid) >id2 &&
	echo v3 >r/main/sub/data &&
	(cd r/main && jvs snapshot -q third) >id3 &&
	(cd r && jvs verify --all) >out &&
	cat >expect <<-EOF &&
	OK $(cat id1)
	OK $(cat id2)
	OK $(cat id3)
	OK audit chain
	EOF
	test_cmp expect out &&
	(cd r && jvs doctor --strict) >out &&
	echo "Repository is healthy" >expect &&
	test_cmp expect out
'

id1=$(cat "$TRASH_DIRECTORY/id1" 2>/dev/null)
id2=$(cat "$TRASH_DIRECTORY/id2" 2>/dev/null)
id3=$(cat "$TRASH_DIRECTORY/id3" 2>/dev/null)

fresh () {
	rm -rf c && cp -a r c
}

S2=c/.jvs/snapshots/$id2

# expect_verify CLASS DETAIL: verify --all fails (exit 4) with exactly one
# FAIL line, for the second snapshot, "CLASS DETAIL (TAMPERED)"; the other
# snapshots and the audit chain are OK.
expect_verify () {
	test_must_fail --exit=4 jvs -C c verify --all >out 2>err &&
	cat >expect <<-EOF &&
	OK $id1
	FAIL $id2 $1 $2 (TAMPERED)
	OK $id3
	OK audit chain
	EOF
	test_cmp expect out &&
	grep "^jvs-verify: 1 problem(s) found\$" err
}

# expect_audit DETAIL: every snapshot OK, only the audit chain fails.
expect_audit () {
	test_must_fail --exit=4 jvs -C c verify --all >out &&
	cat >expect <<-EOF &&
	OK $id1
	OK $id2
	OK $id3
	FAIL audit E_AUDIT_CHAIN_BROKEN $1 (TAMPERED)
	EOF
	test_cmp expect out
}

# doctor_strict_fails CODE...: doctor --strict exits 4 naming each CODE.
doctor_strict_fails () {
	test_must_fail --exit=4 jvs -C c doctor --strict >doctor.out &&
	for code in "$@"
	do
		grep "^error	$code	" doctor.out || return 1
	done
}

# edit_json FILE PYTHON: run PYTHON on the JSON object v of FILE, write it back.
edit_json () {
	python3 -c '
import json, sys
p = sys.argv[1]
v = json.load(open(p))
exec(sys.argv[2])
json.dump(v, open(p, "w"), indent=2)
' "$1" "$2"
}

# ---- payload ---------------------------------------------------------------

test_expect_success 'one flipped byte (same size) is a content change' '
	fresh &&
	size=$(stat -c %s $S2/sub/data) &&
	printf X | dd of=$S2/sub/data bs=1 seek=1 count=1 conv=notrunc 2>/dev/null &&
	test $(stat -c %s $S2/sub/data) = $size &&
	expect_verify E_PAYLOAD_HASH_MISMATCH "sub/data: content changed" &&
	test_must_fail --exit=4 jvs -C c verify $id2 >out &&
	grep "^FAIL $id2 E_PAYLOAD_HASH_MISMATCH sub/data: content changed (TAMPERED)\$" out &&
	jvs -C c verify $id1 $id3 >out &&
	printf "OK %s\nOK %s\n" $id1 $id3 >expect &&
	test_cmp expect out
'

test_expect_success 'a changed mode' '
	fresh &&
	chmod 0600 $S2/sub/data &&
	expect_verify E_PAYLOAD_HASH_MISMATCH "sub/data: mode 0600, manifest says 0644" &&
	test_must_fail --exit=4 jvs -C c verify --all --quick >out &&
	grep "^FAIL $id2 E_PAYLOAD_HASH_MISMATCH sub/data: mode 0600" out
'

test_expect_success 'an added file' '
	fresh &&
	echo intruder >$S2/sub/extra &&
	expect_verify E_PAYLOAD_HASH_MISMATCH "sub/extra: extra entry not in manifest"
'

test_expect_success 'an added empty directory' '
	fresh &&
	mkdir $S2/newdir &&
	expect_verify E_PAYLOAD_HASH_MISMATCH "newdir: extra entry not in manifest"
'

test_expect_success 'a removed file' '
	fresh &&
	rm $S2/sub/data &&
	expect_verify E_PAYLOAD_HASH_MISMATCH "sub/data: missing"
'

test_expect_success 'a removed empty directory' '
	fresh &&
	rmdir $S2/empty &&
	expect_verify E_PAYLOAD_HASH_MISMATCH "empty: missing"
'

test_expect_success 'a retargeted symlink' '
	fresh &&
	ln -sfn sub/data $S2/link &&
	expect_verify E_PAYLOAD_HASH_MISMATCH "link: symlink target changed"
'

test_expect_success 'a file replaced by a directory is a type change' '
	fresh &&
	rm $S2/sub/data && mkdir $S2/sub/data &&
	expect_verify E_PAYLOAD_HASH_MISMATCH "sub/data: type changed"
'

test_expect_success 'a grown file is a size change' '
	fresh &&
	echo more >>$S2/sub/data &&
	expect_verify E_PAYLOAD_HASH_MISMATCH "sub/data: size changed"
'

test_expect_success 'a file hard-linked into several snapshots fails in each of them' '
	fresh &&
	ls -i c/.jvs/snapshots/*/shared | awk "{ print \$1 }" | sort -u >inodes &&
	test_line_count = 1 inodes &&
	printf Z | dd of=$S2/shared bs=1 count=1 conv=notrunc 2>/dev/null &&
	test_must_fail --exit=4 jvs -C c verify --all >out &&
	cat >expect <<-EOF &&
	FAIL $id1 E_PAYLOAD_HASH_MISMATCH shared: content changed (TAMPERED)
	FAIL $id2 E_PAYLOAD_HASH_MISMATCH shared: content changed (TAMPERED)
	FAIL $id3 E_PAYLOAD_HASH_MISMATCH shared: content changed (TAMPERED)
	OK audit chain
	EOF
	test_cmp expect out
'

test_expect_success 'several changes in one snapshot are all listed' '
	fresh &&
	rm $S2/sub/data && echo x >$S2/added && ln -sfn nowhere $S2/link &&
	test_must_fail --exit=4 jvs -C c verify $id2 >out &&
	cat >expect <<-EOF &&
	FAIL $id2 E_PAYLOAD_HASH_MISMATCH added: extra entry not in manifest (TAMPERED)
	  E_PAYLOAD_HASH_MISMATCH link: symlink target changed
	  E_PAYLOAD_HASH_MISMATCH sub/data: missing
	EOF
	test_cmp expect out
'

test_expect_success 'payload tampering: --json fields' '
	fresh &&
	printf X | dd of=$S2/sub/data bs=1 count=1 conv=notrunc 2>/dev/null &&
	test_must_fail --exit=4 jvs -C c verify --all --json >out &&
	python3 - "$id1" "$id2" "$id3" <<-\EOF
	import json, sys
	id1, id2, id3 = sys.argv[1:]
	v = json.load(open("out"))
	snaps = {e["snapshot_id"]: e for e in v if "snapshot_id" in e}
	assert sorted(snaps) == sorted([id1, id2, id3]), snaps
	for i in (id1, id3):
	    e = snaps[i]
	    assert e["checksum_valid"] is True and e["payload_hash_valid"] is True, e
	    assert e["tamper_detected"] is False and e["severity"] == "ok", e
	    assert e["errors"] == [], e
	e = snaps[id2]
	assert e["checksum_valid"] is True, e
	assert e["payload_hash_valid"] is False, e
	assert e["tamper_detected"] is True, e
	assert e["severity"] == "error", e
	assert e["errors"] == [{"class": "E_PAYLOAD_HASH_MISMATCH", "path": "sub/data",
	                        "detail": "content changed"}], e
	audit = [e for e in v if "audit_chain" in e]
	assert len(audit) == 1 and audit[0]["valid"] is True, audit
	EOF
'

test_expect_success 'payload tampering is not doctor --strict business (it checks metadata)' '
	fresh &&
	printf X | dd of=$S2/sub/data bs=1 count=1 conv=notrunc 2>/dev/null &&
	jvs -C c doctor --strict >out &&
	echo "Repository is healthy" >expect &&
	test_cmp expect out
'

# ---- descriptor, manifest, .READY ------------------------------------------

for field in note parent tags
do
	case $field in
	note) edit='v["note"] = "rewritten history"' ;;
	parent) edit='v["parent_id"] = None' ;;
	tags) edit='v["tags"] = v["tags"] + ["release"]' ;;
	esac
	test_expect_success "an edited descriptor field ($field)" '
		fresh &&
		edit_json c/.jvs/descriptors/$id2.json '"'$edit'"' &&
		expect_verify E_DESCRIPTOR_CORRUPT \
			"descriptor of $id2: descriptor checksum mismatch" &&
		test_must_fail --exit=4 jvs -C c verify --all --json >out &&
		python3 - "$id2" <<-\EOF &&
		import json, sys
		e = [e for e in json.load(open("out")) if e.get("snapshot_id") == sys.argv[1]][0]
		assert e["checksum_valid"] is False, e
		assert e["tamper_detected"] is True and e["severity"] == "error", e
		assert [x["class"] for x in e["errors"]] == ["E_DESCRIPTOR_CORRUPT"], e
		EOF
		doctor_strict_fails descriptor_corrupt
	'
done

test_expect_success 'an edited manifest line' '
	fresh &&
	sed -i "s/^file	sub\/data	0644	/file	sub\/data	0755	/" c/.jvs/manifests/$id2 &&
	grep "^file	sub/data	0755	" c/.jvs/manifests/$id2 &&
	expect_verify E_PAYLOAD_HASH_MISMATCH \
		"manifest of $id2 does not match payload_root_hash" &&
	test_must_fail --exit=4 jvs -C c verify --all --json >out &&
	python3 - "$id2" <<-\EOF &&
	import json, sys
	e = [e for e in json.load(open("out")) if e.get("snapshot_id") == sys.argv[1]][0]
	assert e["checksum_valid"] is True, e
	assert e["payload_hash_valid"] is False, e
	assert e["tamper_detected"] is True and e["severity"] == "error", e
	EOF
	doctor_strict_fails manifest_mismatch
'

test_expect_success 'a deleted .READY marker' '
	fresh &&
	rm c/.jvs/snapshots/$id2.READY &&
	expect_verify E_PARTIAL_SNAPSHOT ".READY marker is missing" &&
	doctor_strict_fails partial_snapshot
'

test_expect_success 'a .READY marker that disagrees with the descriptor' '
	fresh &&
	edit_json c/.jvs/snapshots/$id2.READY "v[\"payload_root_hash\"] = \"0\" * 64" &&
	expect_verify E_DESCRIPTOR_CORRUPT ".READY marker disagrees with the descriptor"
'

# ---- audit log -------------------------------------------------------------

test_expect_success 'an audit log missing its last whole record' '
	fresh &&
	n=$(wc -l <c/.jvs/audit/audit.jsonl) &&
	head -n $((n - 1)) c/.jvs/audit/audit.jsonl >log &&
	cp log c/.jvs/audit/audit.jsonl &&
	expect_audit "audit log holds $((n - 1)) records but $n were written: it was truncated or rewritten" &&
	doctor_strict_fails audit_chain_broken
'

test_expect_success 'an audit log cut in the middle of a record' '
	fresh &&
	size=$(stat -c %s c/.jvs/audit/audit.jsonl) &&
	truncate -s $((size - 40)) c/.jvs/audit/audit.jsonl &&
	expect_audit "audit log ends with a partial record" &&
	doctor_strict_fails audit_chain_broken
'

test_expect_success 'an edited audit record' '
	fresh &&
	sed -i "2s/\"operation\":\"snapshot\"/\"operation\":\"restore\"/" c/.jvs/audit/audit.jsonl &&
	sed -n 2p c/.jvs/audit/audit.jsonl | grep "\"operation\":\"restore\"" &&
	expect_audit "audit record 2 was altered (record_hash)" &&
	test_must_fail --exit=4 jvs -C c verify --all --json >out &&
	python3 - <<-\EOF &&
	import json
	a = [e for e in json.load(open("out")) if "audit_chain" in e][0]
	assert a["valid"] is False and a["severity"] == "error", a
	assert "altered" in a["detail"], a
	EOF
	doctor_strict_fails audit_chain_broken
'

test_expect_success 'an edited audit record with a recomputed record_hash breaks the chain' '
	fresh &&
	python3 - c/.jvs/audit/audit.jsonl <<-\EOF &&
	import hashlib, json, sys
	p = sys.argv[1]
	lines = open(p).read().splitlines()
	r = json.loads(lines[1])
	r["actor"] = "mallory@elsewhere"
	del r["record_hash"]
	canon = json.dumps(r, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
	r["record_hash"] = hashlib.blake2b(canon.encode(), digest_size=32).hexdigest()
	lines[1] = json.dumps(r, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
	open(p, "w").write("\n".join(lines) + "\n")
	EOF
	expect_audit "audit record 3 does not chain to record 2" &&
	doctor_strict_fails audit_chain_broken
'

test_expect_success 'a deleted audit log' '
	fresh &&
	rm c/.jvs/audit/audit.jsonl &&
	expect_audit "audit log is missing or unreadable" &&
	doctor_strict_fails audit_chain_broken
'

for cut in record middle
do
	test_expect_success "doctor --repair audit_repair heals a log cut at a $cut boundary" '
		fresh &&
		n=$(wc -l <c/.jvs/audit/audit.jsonl) &&
		if test '$cut' = record
		then
			head -n $((n - 1)) c/.jvs/audit/audit.jsonl >log &&
			cp log c/.jvs/audit/audit.jsonl
		else
			truncate -s -10 c/.jvs/audit/audit.jsonl
		fi &&
		cp c/.jvs/audit/audit.jsonl damaged &&
		jvs -C c doctor --repair-runtime >out;
		test $? = 4 &&
		grep "^error	audit_chain_broken	.*	audit_repair\$" out &&
		jvs -C c doctor --strict --repair audit_repair >out &&
		grep "^repaired	" out &&
		grep -x "Repository is healthy" out &&
		jvs -C c verify --all >out &&
		! grep -v "^OK " out &&
		ls c/.jvs/audit/audit.jsonl.broken-* >aside &&
		test_line_count = 1 aside &&
		cmp damaged $(cat aside) &&
		tail -n 1 c/.jvs/audit/audit.jsonl | grep "\"operation\":\"audit_repair\""
	'
done

test_expect_success 'a cut audit log stops a snapshot before it changes anything' '
	rm -rf c && cp -a r c &&
	truncate -s -10 c/.jvs/audit/audit.jsonl &&
	jvs -C c history --all --format id >before &&
	cp c/.jvs/worktrees/main/config.json config.before &&
	echo new >c/main/new-file &&
	test_must_fail --exit=4 jvs -C c/main snapshot "after the cut" 2>err &&
	grep E_AUDIT_CHAIN_BROKEN err &&
	grep "audit_repair" err &&
	jvs -C c history --all --format id >after &&
	test_cmp before after &&
	test_cmp config.before c/.jvs/worktrees/main/config.json &&
	jvs -C c doctor --repair audit_repair >/dev/null &&
	jvs -C c/main snapshot -q "after the repair" >id &&
	jvs -C c verify --all >out &&
	! grep -v "^OK " out
'

test_expect_success 'the untouched original still verifies' '
	jvs -C r verify --all >out &&
	! grep -v "^OK " out &&
	jvs -C r doctor --strict >out &&
	echo "Repository is healthy" >expect &&
	test_cmp expect out
'

if strace -f -qq -o /dev/null true 2>/dev/null
then
	test_set_prereq STRACE
fi

# files of memo/ that one `verify --all` opened, one line each time
verify_opens () {
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	strace -f -qq -o trace -e trace=openat,openat2 jvs-verify -C memo --all >/dev/null &&
	sed -n "s/.*openat2\{0,1\}([0-9A-Z_]*, \"\([a-z]\)\".*/\1/p" trace | sort
}

test_expect_success STRACE 'verify --all reads a file two snapshots share once, an unshared one each time' '
	jvs-init memo >/dev/null &&
	echo shared >memo/main/s &&
	echo one >memo/main/u &&
	jvs-snapshot -C memo/main first >/dev/null &&
	echo two >memo/main/u &&
	jvs-snapshot -C memo/main second >/dev/null &&
	verify_opens >opens &&
	printf "s\nu\nu\n" >expect &&
	test_cmp expect opens
'

test_expect_success 'a shared file changed is reported in both snapshots' '
	for p in memo/.jvs/snapshots/*/s
	do
		chmod u+w "$p" && echo SHARED >"$p" && break
	done &&
	test_must_fail jvs-verify -C memo --all --json >out &&
	test "$(grep -c "content changed" out)" = 2
'

test_done
