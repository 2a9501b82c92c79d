#!/bin/sh

test_description='output that lies or breaks: control characters, non-UTF-8 and damaged descriptors

Notes, tags, pin reasons, worktree names, file paths and error messages
quoting user input reach the terminal only in the escaped text form of
jvs(1) ESCAPING (no raw byte below 0x20 but line ends and tab separators,
no 0x7f); a note with a newline cannot forge a history line; --json stays
exact, and a non-UTF-8 path is given as its escaped form plus <key>_b64;
non-UTF-8 notes, tags and pin reasons are refused; a damaged descriptor is
an integrity error (exit 4) wherever it is met; and the smaller cases of
issue 13: dispatcher errors, restore -i --json, init "", tag characters,
short id prefixes, a vanished working directory, immutable files and
paths longer than PATH_MAX.'

. "$(dirname "$0")/test-lib.sh"

if command -v jq >/dev/null 2>&1; then
	test_set_prereq JQ
fi

ESC=$(printf '\033')
TITLE=$(printf 'x\033]0;pwned\007')
FORGED_ID=1771923600000-deadbeef
NLNOTE=$(printf 'real note\n%s  2026-02-24 09:00:00  forged  [HEAD]' "$FORGED_ID")

# no_raw_controls FILE...: no byte < 0x20 but \n and \t, no 0x7f.
no_raw_controls () {
	for f in "$@"; do
		if LC_ALL=C tr -d '\n\t' <"$f" | LC_ALL=C grep -aq '[[:cntrl:]]'; then
			echo "raw control byte in $f:" >&4
			od -c "$f" | head -20 >&4
			return 1
		fi
	done
}

# clean CMD...: runs CMD (any exit), then checks its stdout and stderr.
# (the files are kept outside every worktree: restore would remove them)
clean () {
	"$@" >"$TRASH_DIRECTORY/out" 2>"$TRASH_DIRECTORY/err"
	echo $? >"$TRASH_DIRECTORY/rc"
	no_raw_controls "$TRASH_DIRECTORY/out" "$TRASH_DIRECTORY/err"
}

test_expect_success 'setup: notes, a pin reason and file names with control characters' '
	jvs init repo >/dev/null &&
	(cd repo/main &&
	 echo one >"esc${ESC}[31mred" &&
	 printf two >"$(printf "nl\nname")" &&
	 echo three >"$(printf "bell\007")" &&
	 echo four >"back\\slash" &&
	 jvs snapshot -q "$TITLE" --tag v1 >../../id1 &&
	 echo more >>"esc${ESC}[31mred" &&
	 echo new >"$(printf "tab\tname")" &&
	 jvs snapshot -q "$NLNOTE" --tag v2 >../../id2 &&
	 jvs pin add v1 --reason "$(printf "keep\033[2Jme\nnow")" >/dev/null &&
	 echo dirty >>"back\\slash" && rm "$(printf "bell\007")")
'

for cmd in "history" "history --all" "history --format tsv" "history --grep real" \
	"history --tag v" "history --tags" "status" "diff" "diff --stat" "diff v1" \
	"diff v1 v2" "info" "verify" "verify v1 v2" "verify --all" "doctor" \
	"gc plan --keep-last 1" "gc plan --keep-last 1 --format tsv" "pin list" \
	"pin list --format tsv" "worktree list" "worktree path"; do
	test_expect_success "jvs $cmd: no raw control characters" "
		(cd repo/main && clean jvs $cmd) &&
		test \$(cat rc) -le 1
	"
done

test_expect_success 'the other programs, and errors quoting bad input' '
	W=$(printf "w\033]0;x\007") &&
	(cd repo/main &&
	 clean jvs snapshot "$TITLE" --tag "$(printf "t\033x")" && test $(cat ../../rc) = 2 &&
	 clean jvs snapshot -m "$TITLE" --tag "$(printf "t\303\251")" && test $(cat ../../rc) = 2 &&
	 clean jvs -w "$W" status && test $(cat ../../rc) -ne 0 &&
	 clean jvs worktree fork v1 "$W" && test $(cat ../../rc) = 2 &&
	 clean jvs worktree create "$W" && test $(cat ../../rc) = 2 &&
	 clean jvs worktree fork v1 side && test $(cat ../../rc) = 0 &&
	 clean jvs worktree path side &&
	 clean jvs worktree rename side "$W" && test $(cat ../../rc) = 2 &&
	 clean jvs worktree rename side side2 && test $(cat ../../rc) = 0 &&
	 clean jvs worktree remove "$W" && test $(cat ../../rc) = 2 &&
	 clean jvs worktree remove side2 && test $(cat ../../rc) = 0 &&
	 clean jvs pin add v2 --reason "$TITLE" && test $(cat ../../rc) = 0 &&
	 clean jvs pin add "$W" && test $(cat ../../rc) = 3 &&
	 clean jvs pin remove "$W" && test $(cat ../../rc) = 3 &&
	 clean jvs pin remove v2 && test $(cat ../../rc) = 0 &&
	 clean jvs gc plan --keep-tag "$W" && test $(cat ../../rc) = 2 &&
	 clean jvs gc plan --policy "$W" && test $(cat ../../rc) -ne 0 &&
	 clean jvs gc run --plan-id "$W" && test $(cat ../../rc) -ne 0 &&
	 clean jvs history --grep "$W" &&
	 clean jvs diff "$W" && test $(cat ../../rc) = 3 &&
	 clean jvs verify "$W" && test $(cat ../../rc) = 3 &&
	 clean jvs restore --latest-tag "$W" && test $(cat ../../rc) -ne 0 &&
	 clean jvs doctor --repair "$W" && test $(cat ../../rc) = 2 &&
	 clean jvs info "$W" && test $(cat ../../rc) = 2 &&
	 clean jvs status "$W" && test $(cat ../../rc) = 2 &&
	 clean jvs history "--$W" && test $(cat ../../rc) = 2)
'

test_expect_success 'history: the note is escaped and cannot forge a line' '
	(cd repo/main && jvs history) >out &&
	test_line_count = 2 out &&
	! grep "^$FORGED_ID" out &&
	grep -F "x\\x1b]0;pwned\\x07" out &&
	grep -F "real note\\n$FORGED_ID" out &&
	(cd repo/main && jvs history --format tsv) >tsv &&
	test_line_count = 2 tsv &&
	awk -F "\t" "NF != 6 { exit 1 }" tsv
'

test_expect_success 'paths are escaped in status and diff, one line each' '
	(cd repo/main && jvs diff v1 v2) >out &&
	cat >expect <<-\EOF &&
	M	esc\x1b[31mred
	A	tab\tname
	EOF
	test_cmp expect out &&
	(cd repo/main && jvs status) >out &&
	grep -Fx "D	bell\\x07" out &&
	grep -Fx "M	back\\\\slash" out &&
	(cd repo/main && jvs diff v1) >out &&
	grep -Fx "A	tab\\tname" out
'

test_expect_success 'pin reasons and error messages quoting user input are escaped' '
	jvs -C repo pin list >out &&
	grep -F "keep\\x1b[2Jme\\nnow" out &&
	(cd repo/main && clean jvs restore "$(printf "no\033]0;x\007such")") &&
	test $(cat rc) = 3 &&
	grep -F "no\\x1b]0;x\\x07such" err &&
	clean jvs -C "$(printf "no\033where")" status &&
	grep -F "no\\x1bwhere" err &&
	clean jvs -C repo history --tag "$(printf "v\033")" &&
	clean jvs -C repo worktree create "$(printf "w\033x")" &&
	test $(cat rc) = 2
'

test_expect_success 'restore and restore -i print notes, tags and paths escaped' '
	(cd repo/main && echo n | clean jvs restore -i v1) &&
	grep -F "x\\x1b]0;pwned\\x07" err &&
	(cd repo/main && clean jvs restore --discard v1) &&
	test $(cat rc) = 0 &&
	grep -F "x\\x1b]0;pwned\\x07" out &&
	(cd repo/main && clean jvs restore HEAD)
'

test_expect_success 'a repository directory with a control character in its name' '
	clean jvs init "$(printf "r\033x")" &&
	grep -F "r\\x1bx" out &&
	clean jvs -C "$(printf "r\033x")" info &&
	grep -F "r\\x1bx" out
'

test_expect_success 'doctor findings and verify failures name files escaped' '
	cp -a repo t && id1=$(cat id1) &&
	chmod -R u+w "t/.jvs/snapshots/$id1" &&
	echo tampered >>"t/.jvs/snapshots/$id1/$(printf "bell\007")" &&
	: >"t/.jvs/intents/$(printf "junk\033x")" &&
	clean jvs -C t verify --all &&
	test $(cat rc) = 4 &&
	grep -F "bell\\x07" out &&
	clean jvs -C t doctor &&
	grep -F "junk\\x1bx" out
'

test_expect_success JQ 'JSON stays exact' '
	(cd repo/main && jvs history --json) >h.json &&
	jq -r ".[1].note" h.json >actual && printf "%s\n" "$TITLE" >expect &&
	test_cmp expect actual &&
	jvs -C repo pin list --json | jq -r ".[0].reason" >actual &&
	printf "keep\033[2Jme\nnow\n" >expect && test_cmp expect actual
'

# ---- non-UTF-8 ----------------------------------------------------------

BAD=$(printf 'bad\377name')

test_expect_success JQ 'status --json and diff --json: a non-UTF-8 path is escaped plus path_b64' '
	jvs init u >/dev/null &&
	(cd u/main && echo a >ok && jvs snapshot -q base >/dev/null && echo b >"$BAD" &&
	 jvs status --json >../../st.json && jvs diff HEAD --json >../../d1.json &&
	 jvs snapshot -q two >/dev/null && jvs diff --json >../../d2.json &&
	 jvs status >../../st.txt) &&
	jq -e . st.json >/dev/null &&
	jq -r ".changes[0].path" st.json >actual && echo "bad\\xffname" >expect &&
	test_cmp expect actual &&
	jq -r ".changes[0].path_b64" st.json | base64 -d >actual &&
	printf "%s" "$BAD" >expect && test_cmp expect actual &&
	for f in d1.json d2.json; do
		jq -e ".added == [\"bad\\\\xffname\"]" $f >/dev/null &&
		jq -r ".added_b64[0]" $f | base64 -d >actual &&
		test_cmp expect actual || return 1
	done &&
	jq -e "has(\"removed_b64\") | not" d2.json >/dev/null
'

test_expect_success JQ 'a UTF-8 path in JSON carries no _b64 field' '
	(cd u/main && echo x >"caf$(printf "\303\251")" && jvs status --json) >st.json &&
	jq -e ".changes[0].path == \"caf\\u00e9\" and (.changes[0] | has(\"path_b64\") | not)" st.json
'

test_expect_success JQ 'a repository in a non-UTF-8 directory: init, info, worktree list --json' '
	R=$(printf "r\377x") &&
	jvs init "$R" --json >init.json &&
	jq -r .repo_root_b64 init.json | base64 -d >actual &&
	printf "%s" "$(pwd -P)/$R" >expect && test_cmp expect actual &&
	jq -r .repo_root init.json | grep -F "r\\xffx" &&
	jvs -C "$R" info --json | jq -r .repo_root_b64 | base64 -d >actual &&
	test_cmp expect actual &&
	jvs -C "$R" worktree list --json | jq -r ".[0].path_b64" | base64 -d >actual &&
	printf "%s" "$(pwd -P)/$R/main" >expect && test_cmp expect actual &&
	(cd "$R/main" && echo a >f && jvs snapshot -q one >/dev/null) &&
	clean jvs -C "$R" info && grep -F "r\\xffx" out &&
	jvs -C "$R" verify --all >/dev/null && jvs -C "$R" doctor >/dev/null
'

test_expect_success 'non-UTF-8 notes, tags and pin reasons are refused with a hint' '
	(cd u/main &&
	 test_must_fail --exit=2 jvs snapshot "$(printf "caf\351")" 2>../../err) &&
	grep "E_USAGE: note is not valid UTF-8" err && grep "^hint:" err &&
	! grep "out of memory" err &&
	(cd u/main &&
	 test_must_fail --exit=2 jvs snapshot ok --tag "$(printf "\351t\351")" 2>../../err) &&
	grep "E_NAME_INVALID" err && grep -F "\\xe9" err &&
	test_must_fail --exit=2 jvs -C u pin add base --reason "$(printf "\377")" 2>err &&
	grep "E_USAGE: pin reason is not valid UTF-8" err &&
	jvs -C u pin list >out 2>&1 && ! grep -v "no pins" out
'

test_expect_success 'a note or pin reason of more than 65536 bytes is refused' '
	big=$(printf "%065536d" 0) &&
	(cd u/main && echo n >n && jvs snapshot -q "$big" >/dev/null &&
	 test_must_fail --exit=2 jvs snapshot "${big}x" 2>../../err) &&
	grep "E_USAGE: note is 65537 bytes long; at most 65536" err &&
	test_must_fail --exit=2 jvs -C u pin add base --reason "${big}x" 2>err &&
	grep "E_USAGE: pin reason is 65537 bytes long" err
'

test_expect_success 'a tag error shows the whole UTF-8 character' '
	(cd u/main && test_must_fail --exit=2 jvs snapshot x --tag "v$(printf "\303\251")" 2>../../err) &&
	grep -F "contains '\''$(printf "\303\251")'\''" err
'

# ---- integrity problems wherever they are met ---------------------------

# rewrite_desc ID PYTHON-EXPR: rewrite a field of a descriptor and give it a
# valid checksum again, in its .READY marker too (so only the cross-check
# with the manifest can tell; jansson writes \u001B, Python \u001b). A test_when_finished puts both back.
rewrite_desc () {
	python3 - "repo/.jvs/descriptors/$1.json" "$2" <<-\PYEOF
	import hashlib, json, os, re, sys
	p = sys.argv[1]
	d = json.load(open(p))
	exec(sys.argv[2])
	body = {k: v for k, v in d.items() if k not in ("descriptor_checksum", "integrity_state")}
	canon = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
	canon = re.sub(r"\\u([0-9a-f]{4})", lambda m: "\\u" + m.group(1).upper(), canon)
	d["descriptor_checksum"] = hashlib.blake2b(canon.encode(), digest_size=32).hexdigest()
	open(p + ".new", "w").write(json.dumps(d, indent=2, ensure_ascii=False) + "\n")
	os.rename(p + ".new", p)
	r = p.replace("/descriptors/", "/snapshots/").replace(".json", ".READY")
	ready = json.load(open(r))
	ready["descriptor_checksum"] = d["descriptor_checksum"]
	open(r + ".new", "w").write(json.dumps(ready, indent=2) + "\n")
	os.rename(r + ".new", r)
	PYEOF
}

save_desc () {
	cp "repo/.jvs/descriptors/$1.json" saved.json &&
	cp "repo/.jvs/snapshots/$1.READY" saved.READY &&
	test_when_finished "put_back_desc $1"
}

put_back_desc () {
	cp saved.json "repo/.jvs/descriptors/$1.json.x" &&
	mv "repo/.jvs/descriptors/$1.json.x" "repo/.jvs/descriptors/$1.json" &&
	cp saved.READY "repo/.jvs/snapshots/$1.READY"
}

test_expect_success 'a corrupt head descriptor: history fails with the integrity class' '
	id2=$(cat id2) && d=repo/.jvs/descriptors/$id2.json &&
	save_desc $id2 &&
	echo "{ not json" >"$d.x" && mv "$d.x" "$d" &&
	(cd repo/main && test_must_fail --exit=4 jvs history >../../out 2>../../err) &&
	grep "E_DESCRIPTOR_CORRUPT" err && grep "$id2" err &&
	! grep "no snapshots yet" err &&
	test_must_fail --exit=4 jvs -C repo history --all >out 2>err &&
	grep "E_DESCRIPTOR_CORRUPT" err && grep "$id2" err &&
	grep "$(cut -c15- id1)" out &&
	(cd repo/main && test_must_fail --exit=4 jvs status >../../out 2>../../err) &&
	grep "E_DESCRIPTOR_CORRUPT" err &&
	test_must_fail --exit=4 jvs -C repo info >out 2>err &&
	grep "E_DESCRIPTOR_CORRUPT" err
'

test_expect_success JQ 'a corrupt descriptor inside the lineage: listed up to it, then exit 4' '
	id1=$(cat id1) && id2=$(cat id2) && d=repo/.jvs/descriptors/$id1.json &&
	save_desc $id1 &&
	echo "[]" >"$d.x" && mv "$d.x" "$d" &&
	(cd repo/main && test_must_fail --exit=4 jvs history >../../out 2>../../err) &&
	grep "^${id2#*-} " out && ! grep "pruned" out &&
	grep "E_DESCRIPTOR_CORRUPT.*$id1" err &&
	(cd repo/main && test_must_fail --exit=4 jvs history --json >../../out 2>../../err) &&
	jq -e ".error.class == \"E_DESCRIPTOR_CORRUPT\"" out >/dev/null
'

test_expect_success 'verify checks file_count and total_bytes against the manifest' '
	id2=$(cat id2) && d=repo/.jvs/descriptors/$id2.json &&
	save_desc $id2 &&
	rewrite_desc $id2 "d[\"file_count\"] += 1" &&
	test_must_fail --exit=4 jvs -C repo verify $id2 >out 2>err &&
	grep "FAIL $id2 E_DESCRIPTOR_CORRUPT.*file_count" out &&
	put_back_desc $id2 &&
	rewrite_desc $id2 "d[\"total_bytes\"] += 7" &&
	test_must_fail --exit=4 jvs -C repo verify --all >out 2>err &&
	grep "FAIL $id2 E_DESCRIPTOR_CORRUPT.*total_bytes" out &&
	test_must_fail --exit=4 jvs -C repo doctor --strict >out 2>err &&
	grep "^error	descriptor_counts	snapshot $id2: .*manifest holds" out &&
	put_back_desc $id2 &&
	jvs -C repo doctor --strict >out &&
	grep "Repository is healthy" out
'

test_expect_success 'a negative size in a descriptor is corruption, not a negative total' '
	id2=$(cat id2) && d=repo/.jvs/descriptors/$id2.json &&
	save_desc $id2 &&
	rewrite_desc $id2 "d[\"total_bytes\"] = -5" &&
	test_must_fail --exit=4 jvs -C repo info >out 2>err &&
	! grep "size: -" out &&
	grep "E_DESCRIPTOR_CORRUPT" err &&
	test_must_fail --exit=4 jvs -C repo verify $id2 >out 2>err
'

test_expect_success 'sizes adding up past INT64_MAX: no negative total, an integrity error' '
	id1=$(cat id1) id2=$(cat id2) &&
	cp repo/.jvs/descriptors/$id1.json saved1.json &&
	cp repo/.jvs/snapshots/$id1.READY saved1.READY &&
	test_when_finished "cp saved1.json repo/.jvs/descriptors/$id1.json.x &&
		mv repo/.jvs/descriptors/$id1.json.x repo/.jvs/descriptors/$id1.json &&
		cp saved1.READY repo/.jvs/snapshots/$id1.READY" &&
	save_desc $id2 &&
	rewrite_desc $id1 "d[\"total_bytes\"] = 2**63 - 1" &&
	rewrite_desc $id2 "d[\"total_bytes\"] = 2**63 - 1" &&
	test_must_fail --exit=4 jvs -C repo info >out 2>err &&
	! grep "size: -" out && grep "Logical size: 9223372036854775807 " out &&
	grep "E_DESCRIPTOR_CORRUPT.*total_bytes" err
'

test_expect_success 'after the repairs the repository is healthy again' '
	jvs -C repo verify --all >out && jvs -C repo doctor >out
'

# ---- the smaller cases --------------------------------------------------

test_expect_success 'jvs --bogus and jvs snapsht: jvs: E_USAGE: form, with a suggestion' '
	test_must_fail --exit=2 jvs --bogus >out 2>err &&
	head -n 1 err | grep "^jvs: E_USAGE: unknown option .--bogus." &&
	test_must_fail --exit=2 jvs snapsht 2>err &&
	head -n 1 err | grep "^jvs: E_USAGE: .snapsht. is not a jvs command" &&
	grep "^hint: .*jvs snapshot" err &&
	test_must_fail --exit=2 jvs "$(printf "x\033y")" 2>err &&
	no_raw_controls err && grep -F "x\\x1by" err &&
	test_must_fail --exit=2 jvs "$(printf "b\377d\302\233")" 2>err &&
	grep -F "b\\xffd\\xc2\\x9b" err &&
	test_must_fail --exit=2 jvs gc 2>err &&
	head -n 1 err | grep "^jvs: E_USAGE: " &&
	test_must_fail --exit=2 jvs -C 2>err &&
	head -n 1 err | grep "^jvs: E_USAGE: "
'

test_expect_success JQ 'a cancelled restore -i writes a JSON error with --json' '
	(cd repo/main && echo n | test_must_fail --exit=5 jvs restore -i --json v1 >../../out 2>../../err) &&
	jq -e ".error.class == \"E_DIRTY\"" out >/dev/null &&
	jq -r .error.message out | grep cancelled &&
	grep "jvs-restore: E_DIRTY: restore cancelled" err
'

test_expect_success 'jvs init "" is a usage error, not "already exists"' '
	test_must_fail --exit=2 jvs init "" 2>err &&
	grep "E_USAGE: .*empty" err && ! grep "already exists" err
'

test_expect_success 'a 3-character id prefix is "too short"' '
	p=$(cut -c1-3 id1) &&
	test_must_fail --exit=3 jvs -C repo/main restore "$p" 2>err &&
	grep "too short" err && grep "at least 4" err
'

test_expect_success 'after restoring away the current directory: a hint to cd to the worktree root' '
	jvs init v >/dev/null &&
	(cd v/main && jvs snapshot -q empty >/dev/null && mkdir sub && echo x >sub/f &&
	 jvs snapshot -q withsub >/dev/null &&
	 cd sub && jvs restore --discard empty >/dev/null &&
	 test_must_fail jvs status >../../../out 2>../../../err) &&
	grep "^hint: .*cd " err && grep -F "$(pwd -P)/v/main" err
'

if chattr_probe=$(mktemp ./probe.XXXXXX) && chattr +i "$chattr_probe" 2>/dev/null; then
	chattr -i "$chattr_probe"
	test_set_prereq CHATTR
fi

test_expect_success CHATTR 'EPERM on an immutable file: the hint names it and the attributes' '
	jvs init im >/dev/null &&
	(cd im/main && echo a >frozen && jvs snapshot -q one >/dev/null &&
	 echo b >frozen && jvs snapshot -q two >/dev/null && chattr +i frozen) &&
	test_when_finished "chattr -i im/main/frozen" &&
	(cd im/main && test_must_fail jvs restore one >../../out 2>../../err) &&
	grep "^hint: .*frozen" err && grep "^hint: .*immutable" err
'

test_expect_success 'a path longer than PATH_MAX keeps its errno text' '
	long=$(printf "%05000d" 0 | tr 0 a) &&
	test_must_fail jvs -C "/nonexistent/$long/x" status >out 2>err &&
	grep -E "(File name too long|No such file or directory)$" err &&
	grep "\\.\\.\\." err
'

test_done
