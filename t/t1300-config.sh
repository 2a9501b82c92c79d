#!/bin/sh

test_description='jvs config: list, get, set, unset of the repository settings

Keys snapshot.engine, snapshot.compress, audit.actor, progress and
gc.policy.NAME are kept in .jvs/config.json beside the repository id,
written atomically and audited; the environment wins over them and list
--origin says where each value came from. Each key reaches its consumer
(the engine choice, the audit actor, the default of --progress, gc plan
--policy). Unknown keys and bad values are E_USAGE and leave the file as
it was; a hostile config.json (symlink, FIFO, huge, not JSON) is a clear
error, never followed, never waited on.'

. "$(dirname "$0")/test-lib.sh"

unset JVS_SNAPSHOT_ENGINE JVS_SNAPSHOT_COMPRESS JVS_ACTOR JVS_PROGRESS

if command -v script >/dev/null 2>&1; then
	test_set_prereq SCRIPT
fi
if command -v flock >/dev/null 2>&1; then
	test_set_prereq FLOCK
fi

# last_audit FIELD: a field of the newest audit record of repo.
last_audit () {
	tail -n 1 repo/.jvs/audit/audit.jsonl |
		python3 -c "import json, sys; r = json.load(sys.stdin); print(json.dumps(r$1) if not isinstance(r$1, str) else r$1)"
}

test_expect_success 'setup: a repository with one snapshot' '
	jvs init repo >/dev/null &&
	echo one >repo/main/f &&
	(cd repo/main && jvs snapshot -q first >/dev/null) &&
	cp repo/.jvs/config.json config.orig
'

test_expect_success 'list: every key with its default' '
	jvs -C repo config list >out &&
	cat >expect <<-EOF &&
	snapshot.engine=auto
	snapshot.compress=none
	audit.actor=$(id -un)@$(hostname)
	progress=auto
	EOF
	test_cmp expect out &&
	jvs -C repo config list --origin >out &&
	sed "s/^/default	/" expect >expect.origin &&
	test_cmp expect.origin out &&
	jvs -C repo config list --name-only >out &&
	printf "%s\n" snapshot.engine snapshot.compress audit.actor progress >expect &&
	test_cmp expect out
'

test_expect_success 'list --json: key, value, origin and the overriding variable' '
	jvs -C repo config list --json >out.json &&
	python3 - out.json <<-\EOF
	import json, sys
	s = json.load(open(sys.argv[1]))["settings"]
	assert [e["key"] for e in s] == ["snapshot.engine", "snapshot.compress", "audit.actor", "progress"], s
	assert all(e["origin"] == "default" for e in s), s
	env = {e["key"]: e["env"] for e in s}
	assert env == {"snapshot.engine": "JVS_SNAPSHOT_ENGINE", "snapshot.compress": "JVS_SNAPSHOT_COMPRESS",
	               "audit.actor": "JVS_ACTOR", "progress": "JVS_PROGRESS"}, env
	EOF
'

test_expect_success 'set and get every key; config.json keeps the repository id' '
	jvs -C repo config set snapshot.engine copy &&
	jvs -C repo config set snapshot.compress fast &&
	jvs -C repo config set audit.actor "ci bot" &&
	jvs -C repo config set progress never &&
	test "$(jvs -C repo config get snapshot.engine)" = copy &&
	test "$(jvs -C repo config get snapshot.compress)" = fast &&
	test "$(jvs -C repo config get audit.actor)" = "ci bot" &&
	test "$(jvs -C repo config get progress)" = never &&
	python3 - repo/.jvs/config.json config.orig <<-\EOF &&
	import json, sys
	c = json.load(open(sys.argv[1]))
	o = json.load(open(sys.argv[2]))
	for k in ("repo_id", "created_at", "format_version"):
	    assert c[k] == o[k], k
	assert c["snapshot"] == {"engine": "copy", "compress": "fast"}, c
	assert c["audit"] == {"actor": "ci bot"}, c
	assert c["progress"] == "never", c
	EOF
	jvs -C repo config list --origin >out &&
	grep -x "config	snapshot.engine=copy" out &&
	grep -x "config	audit.actor=ci bot" out &&
	jvs -C repo config get --json progress >out.json &&
	python3 -c "
import json, sys
e = json.load(open(\"out.json\"))
assert e == {\"key\": \"progress\", \"value\": \"never\", \"origin\": \"config\", \"env\": \"JVS_PROGRESS\"}, e
"
'

# A command reads the settings once; a settings write drops its copy, so
# the write's own audit record is already by the actor it sets.
test_expect_success 'a setting counts in its own audit record: set audit.actor is recorded by the new actor, unset by the default' '
	jvs -C repo config set audit.actor first &&
	tail -n 1 repo/.jvs/audit/audit.jsonl >rec &&
	grep "\"actor\":\"first\"" rec &&
	jvs -C repo config set audit.actor second &&
	tail -n 1 repo/.jvs/audit/audit.jsonl >rec &&
	grep "\"actor\":\"second\"" rec &&
	jvs -C repo config unset audit.actor &&
	tail -n 1 repo/.jvs/audit/audit.jsonl >rec &&
	grep "\"operation\":\"config_unset\"" rec &&
	! grep "\"actor\":\"second\"" rec &&
	jvs -C repo config set audit.actor "ci bot"
'

test_expect_success 'each change is audited, and the chain stays valid' '
	jvs -C repo config set snapshot.engine reflink-copy &&
	test "$(last_audit "[\"operation\"]")" = config_set &&
	test "$(last_audit "[\"target\"]")" = snapshot.engine &&
	test "$(last_audit "[\"details\"][\"value\"]")" = reflink-copy &&
	test "$(last_audit "[\"details\"][\"previous\"]")" = copy &&
	jvs -C repo config unset snapshot.engine &&
	test "$(last_audit "[\"operation\"]")" = config_unset &&
	test "$(last_audit "[\"details\"][\"previous\"]")" = reflink-copy &&
	test "$(last_audit "[\"details\"][\"value\"]")" = null &&
	jvs -C repo verify --all >out &&
	grep "^OK audit chain" out
'

test_expect_success 'unset: back to the default; unsetting again changes nothing' '
	jvs -C repo config unset progress &&
	test "$(jvs -C repo config get progress)" = auto &&
	cp repo/.jvs/config.json before &&
	wc -l <repo/.jvs/audit/audit.jsonl >n.before &&
	jvs -C repo config unset progress 2>err &&
	grep "progress was not set" err &&
	test_cmp before repo/.jvs/config.json &&
	wc -l <repo/.jvs/audit/audit.jsonl >n.after &&
	test_cmp n.before n.after &&
	python3 -c "import json; c = json.load(open(\"repo/.jvs/config.json\")); assert \"progress\" not in c, c"
'

test_expect_success 'the environment wins over config.json, and --origin says so' '
	jvs -C repo config set snapshot.engine copy &&
	JVS_SNAPSHOT_ENGINE=reflink-copy jvs -C repo config get snapshot.engine >out &&
	echo reflink-copy >expect &&
	test_cmp expect out &&
	JVS_ACTOR=alice JVS_SNAPSHOT_COMPRESS=max JVS_PROGRESS=json \
		jvs -C repo config list --origin >out &&
	grep -x "config	snapshot.engine=copy" out &&
	grep -x "env	snapshot.compress=max" out &&
	grep -x "env	audit.actor=alice" out &&
	grep -x "env	progress=json" out &&
	JVS_ACTOR=alice jvs -C repo config set audit.actor bob 2>err &&
	grep "JVS_ACTOR is set in the environment and wins" err &&
	test "$(jvs -C repo config get audit.actor)" = bob
'

test_expect_success 'unknown keys are E_USAGE listing the known ones; config.json untouched' '
	cp repo/.jvs/config.json before &&
	test_must_fail --exit=2 jvs -C repo config set snapshot.engin copy 2>err &&
	grep "E_USAGE: unknown key .snapshot.engin." err &&
	grep "known keys: snapshot.engine, snapshot.compress, audit.actor, progress, gc.policy.NAME" err &&
	test_must_fail --exit=2 jvs -C repo config get nope 2>err &&
	grep "E_USAGE: unknown key" err &&
	test_must_fail --exit=2 jvs -C repo config unset nope 2>err &&
	test_must_fail --exit=2 jvs -C repo config set gc.policy.a/b --keep-last 1 2>err &&
	grep "E_USAGE: bad key" err &&
	test_must_fail --exit=2 jvs -C repo config frob 2>err &&
	grep "unknown subcommand" err &&
	test_cmp before repo/.jvs/config.json
'

test_expect_success 'bad values are E_USAGE naming the allowed ones; config.json untouched' '
	cp repo/.jvs/config.json before &&
	test_must_fail --exit=2 jvs -C repo config set snapshot.engine zfs 2>err &&
	grep "bad value .zfs. for snapshot.engine" err &&
	grep "auto, juicefs-clone, btrfs-subvolume, reflink-copy or copy" err &&
	test_must_fail --exit=2 jvs -C repo config set snapshot.compress ultra 2>err &&
	grep "none, fast, default or max" err &&
	test_must_fail --exit=2 jvs -C repo config set progress json 2>err &&
	grep "auto or never" err &&
	test_must_fail --exit=2 jvs -C repo config set audit.actor "$(printf "a\nb")" 2>err &&
	test_must_fail --exit=2 jvs -C repo config set audit.actor "" 2>err &&
	test_must_fail --exit=2 jvs -C repo config set gc.policy.p --keep-daily seven 2>err &&
	grep "needs a count" err &&
	test_must_fail --exit=2 jvs -C repo config set gc.policy.p "{\"keep_forever\": 1}" 2>err &&
	grep "unknown gc policy setting" err &&
	grep "keep_last, keep_hourly" err &&
	test_must_fail --exit=2 jvs -C repo config set gc.policy.p --keep-within 3x 2>err &&
	test_must_fail --exit=2 jvs -C repo config set snapshot.engine 2>err &&
	test_cmp before repo/.jvs/config.json
'

test_expect_success 'gc.policy.NAME: saved from gc plan options or JSON, read by gc plan --policy' '
	jvs -C repo config set gc.policy.nightly --keep-daily 7 --keep-weekly 4 --keep-tag v1 --keep-tagged &&
	echo "{\"keep_daily\":7,\"keep_tagged\":true,\"keep_tags\":[\"v1\"],\"keep_weekly\":4}" >expect &&
	jvs -C repo config get gc.policy.nightly >out &&
	test_cmp expect out &&
	jvs -C repo config set gc.policy.json "{\"keep_weekly\": 4, \"keep_daily\": 7, \"keep_tags\": [\"v1\"], \"keep_tagged\": true}" &&
	jvs -C repo config get gc.policy.json >out &&
	test_cmp expect out &&
	python3 -c "
import json
c = json.load(open(\"repo/.jvs/config.json\"))
assert c[\"gc_policies\"][\"nightly\"] == {\"keep_daily\": 7, \"keep_weekly\": 4, \"keep_tags\": [\"v1\"], \"keep_tagged\": True}, c
" &&
	jvs -C repo gc plan --policy nightly >out &&
	grep "^Policy: --keep-daily 7 --keep-weekly 4 --keep-tag v1 --keep-tagged (policy nightly)" out &&
	jvs -C repo config list --origin >out &&
	grep -x "config	gc.policy.nightly={\"keep_daily\":7,\"keep_tagged\":true,\"keep_tags\":\[\"v1\"\],\"keep_weekly\":4}" out &&
	jvs -C repo config get --json gc.policy.nightly >out.json &&
	python3 -c "
import json
e = json.load(open(\"out.json\"))
assert e[\"value\"][\"keep_daily\"] == 7 and e[\"origin\"] == \"config\" and e[\"env\"] is None, e
" &&
	jvs -C repo config unset gc.policy.json &&
	test_must_fail --exit=3 jvs -C repo config get gc.policy.json 2>err &&
	grep "no gc policy named .json." err &&
	test_must_fail --exit=3 jvs -C repo gc plan --policy json 2>err &&
	grep "saved policies: nightly" err &&
	jvs init empty >/dev/null &&
	test_must_fail --exit=3 jvs -C empty gc plan --policy json 2>err &&
	grep "jvs config set gc.policy.json" err
'

test_expect_success 'a policy written by hand into gc_policies still works' '
	python3 - repo/.jvs/config.json <<-\EOF &&
	import json, sys
	c = json.load(open(sys.argv[1]))
	c["gc_policies"]["hand"] = {"keep_last": 2}
	json.dump(c, open(sys.argv[1], "w"), indent=2)
	EOF
	test "$(jvs -C repo config get gc.policy.hand)" = "{\"keep_last\":2}" &&
	jvs -C repo gc plan --policy hand >out &&
	grep "(policy hand)" out
'

test_expect_success 'snapshot.engine reaches the engine choice; the environment wins' '
	jvs -C repo config set snapshot.engine copy &&
	jvs -C repo info --json >out.json &&
	grep "\"engine_reason\": \"requested by snapshot.engine (jvs config)\"" out.json &&
	JVS_SNAPSHOT_ENGINE=copy jvs -C repo info --json >out.json &&
	grep "\"engine_reason\": \"requested by JVS_SNAPSHOT_ENGINE\"" out.json &&
	echo two >repo/main/f &&
	(cd repo/main && jvs snapshot --json two >../../snap.json) &&
	grep "\"engine\": \"copy\"" snap.json &&
	jvs -C repo config unset snapshot.engine &&
	jvs -C repo info --json >out.json &&
	! grep "requested by" out.json
'

test_expect_success 'audit.actor reaches the audit records; JVS_ACTOR wins' '
	jvs -C repo config set audit.actor ci-bot &&
	echo three >repo/main/f &&
	(cd repo/main && jvs snapshot -q three >/dev/null) &&
	test "$(last_audit "[\"operation\"]")" = snapshot &&
	test "$(last_audit "[\"actor\"]")" = ci-bot &&
	echo four >repo/main/f &&
	(cd repo/main && JVS_ACTOR=alice jvs snapshot -q four >/dev/null) &&
	test "$(last_audit "[\"actor\"]")" = alice &&
	jvs -C repo config unset audit.actor &&
	test "$(last_audit "[\"actor\"]")" = "$(id -un)@$(hostname)"
'

# on_tty CMD: CMD under a pseudo-terminal, progress shown at once.
on_tty () {
	JVS_PROGRESS_MIN_MS=0 script -q -e -c "$1" /dev/null >tty.raw 2>&1
	rc=$?
	tr '\r' '\n' <tty.raw >tty.out
	return $rc
}

test_expect_success SCRIPT 'progress reaches the default of --progress; options and JVS_PROGRESS win' '
	on_tty "cd repo/main && echo a >f && jvs snapshot p1" &&
	grep -a "snapshot: " tty.out &&
	jvs -C repo config set progress never &&
	on_tty "cd repo/main && echo b >f && jvs snapshot p2" &&
	grep -a "Created snapshot" tty.out &&
	! grep -a "snapshot: " tty.out &&
	on_tty "cd repo/main && echo c >f && jvs snapshot --progress=auto p3" &&
	grep -a "snapshot: " tty.out &&
	on_tty "cd repo/main && echo d >f && JVS_PROGRESS=auto jvs snapshot p4" &&
	grep -a "snapshot: " tty.out
'

test_expect_success 'progress never from config; JVS_PROGRESS=json still gives events' '
	echo e >repo/main/f &&
	(cd repo/main && JVS_PROGRESS=json jvs snapshot -q p5 >/dev/null 2>err) &&
	grep "\"type\":\"done\"" repo/main/err &&
	jvs -C repo config unset progress
'

# hold MODE: holds repo.lock (flock -s or -x) in the background until
# release is called; returns once the lock is held.
hold () {
	rm -f held gate && mkfifo gate &&
	{ flock "$1" repo/.jvs/locks/repo.lock sh -c ": >held; cat gate >/dev/null" & } &&
	while ! test -f held; do sleep 0.1; done
}
release () {
	echo >gate && wait
}

test_expect_success FLOCK 'set takes the repository lock shared: a gc run (exclusive) stops it' '
	hold -s &&
	jvs -C repo config set progress never &&
	release &&
	hold -x &&
	test_must_fail --exit=5 jvs -C repo config set progress auto 2>err;
	rc=$? &&
	release &&
	test $rc = 0 &&
	grep "E_LOCKED: repo lock is held" err &&
	test "$(jvs -C repo config get progress)" = never &&
	jvs -C repo config unset progress
'

# fresh NAME: a copy of repo whose config.json is then made hostile.
fresh () {
	rm -rf "$1" && cp -a repo "$1"
}

test_expect_success 'a symlinked config.json is refused, never followed' '
	fresh sym &&
	cp sym/.jvs/config.json outside.json &&
	cp outside.json outside.orig &&
	rm sym/.jvs/config.json &&
	ln -s "$TRASH_DIRECTORY/outside.json" sym/.jvs/config.json &&
	test_must_fail --exit=2 jvs -C sym config list 2>err &&
	grep "E_PATH_ESCAPE: .*config.json.* is a symlink" err &&
	test_must_fail --exit=2 jvs -C sym config set progress never 2>err &&
	grep "E_PATH_ESCAPE" err &&
	test -L sym/.jvs/config.json &&
	test_cmp outside.orig outside.json &&
	echo x >sym/main/f &&
	test_must_fail jvs -C sym -w main snapshot -q nope 2>err &&
	grep "E_PATH_ESCAPE" err &&
	test_cmp outside.orig outside.json
'

test_expect_success 'a FIFO config.json is refused without waiting on it' '
	fresh fifo &&
	rm fifo/.jvs/config.json &&
	mkfifo fifo/.jvs/config.json &&
	test_must_fail --exit=1 timeout 10 jvs -C fifo config get progress 2>err &&
	grep "E_UNSUPPORTED_FILE" err &&
	test_must_fail --exit=1 timeout 10 jvs -C fifo config set progress never 2>err &&
	grep "E_UNSUPPORTED_FILE" err &&
	test -p fifo/.jvs/config.json
'

test_expect_success 'a huge config.json is refused with its size' '
	fresh huge &&
	{ printf "{\"repo_id\": \"x\", \"pad\": \"" &&
	  head -c 2000000 /dev/zero | tr "\0" a &&
	  printf "\"}"; } >huge/.jvs/config.json &&
	cp huge/.jvs/config.json huge.orig &&
	test_must_fail --exit=1 jvs -C huge config list 2>err &&
	grep "E_UNSUPPORTED_FILE: .*config.json.* is larger than 1048576 bytes" err &&
	test_must_fail jvs -C huge config set progress never 2>err &&
	test_cmp huge.orig huge/.jvs/config.json
'

test_expect_success 'a config.json that is not JSON is E_DESCRIPTOR_CORRUPT; nothing is written' '
	fresh bad &&
	echo "{\"repo_id\": " >bad/.jvs/config.json &&
	cp bad/.jvs/config.json bad.orig &&
	test_must_fail --exit=4 jvs -C bad config get audit.actor 2>err &&
	grep "E_DESCRIPTOR_CORRUPT: .*config.json.* is not a valid JSON object" err &&
	test_must_fail --exit=4 jvs -C bad config set audit.actor x 2>err &&
	test_cmp bad.orig bad/.jvs/config.json &&
	ls bad/.jvs/snapshots >snaps.before &&
	echo y >bad/main/f &&
	test_must_fail --exit=4 jvs -C bad -w main snapshot -q nope 2>err &&
	grep "E_DESCRIPTOR_CORRUPT" err &&
	ls bad/.jvs/snapshots >snaps.after &&
	test_cmp snaps.before snaps.after &&
	test_must_fail --exit=4 jvs -C bad doctor >out &&
	grep "config_invalid" out &&
	echo "[1, 2]" >bad/.jvs/config.json &&
	test_must_fail --exit=4 jvs -C bad config list 2>err &&
	grep "not an object" err
'

test_expect_success 'a bad value written by hand is reported with the key' '
	fresh hand &&
	python3 - hand/.jvs/config.json <<-\EOF &&
	import json, sys
	c = json.load(open(sys.argv[1]))
	c["snapshot"] = {"engine": "zfs"}
	json.dump(c, open(sys.argv[1], "w"))
	EOF
	test_must_fail --exit=4 jvs -C hand config get snapshot.engine 2>err &&
	grep "holds a bad snapshot.engine" err &&
	test_must_fail --exit=4 jvs -C hand info 2>err &&
	grep "holds a bad snapshot.engine" err &&
	jvs -C hand config set snapshot.engine copy &&
	test "$(jvs -C hand config get snapshot.engine)" = copy
'

test_expect_success 'a missing config.json: defaults are read, set refuses' '
	fresh gone &&
	rm gone/.jvs/config.json &&
	test "$(JVS_ACTOR= jvs -C gone config get progress)" = auto &&
	test_must_fail --exit=3 jvs -C gone config set progress never 2>err &&
	grep "config.json is missing" err &&
	test_path_is_missing gone/.jvs/config.json
'

test_expect_success 'usage errors: operands, --origin outside list' '
	test_must_fail --exit=2 jvs -C repo config 2>err &&
	grep "usage: jvs-config list" err &&
	test_must_fail --exit=2 jvs -C repo config get 2>err &&
	test_must_fail --exit=2 jvs -C repo config set progress 2>err &&
	test_must_fail --exit=2 jvs -C repo config get progress extra 2>err &&
	test_must_fail --exit=2 jvs -C repo config get --origin progress 2>err &&
	grep "go with list" err
'

test_done
