#!/bin/sh

test_description='systemd units jvs-snapshot@ and jvs-gc@: systemd-analyze verify, hardening, and their ExecStart run as systemd would'

. "$(dirname "$0")/test-lib.sh"

U=$PWD/units
R=$PWD/repo
mkdir -p "$U"
# The units as make install writes them, ExecStart naming the jvs under test.
for f in "$jvs_root"/systemd/*.in; do
	b=${f##*/}
	sed "s|@BINDIR@|$JVS_BIN|g" "$f" >"$U/${b%.in}"
done

# exec_start UNIT CONF: runs UNIT's ExecStart for the instance $R as
# systemd would: the EnvironmentFile CONF (if any) in the environment,
# %f the instance path, %i the escaped one, %% and $$ unescaped.
exec_start () {
	cmd=$(sed -n 's/^ExecStart=//p' "$U/$1") &&
	test -n "$cmd" &&
	esc=$(printf %s "$R" | sed 's|^/||; s|/|-|g') &&
	cmd=$(printf '%s\n' "$cmd" | sed "s|%f|$R|g; s|%i|$esc|g; s|%%|%|g; s|\\\$\\\$|\$|g") &&
	(
		if [ -n "$2" ]; then set -a; . "$(cd "$(dirname "$2")" && pwd)/${2##*/}"; set +a; fi
		eval "$cmd"
	)
}

nsnaps () {
	ls "$R/.jvs/snapshots" | grep -c '^[0-9]\{13\}-[0-9a-f]\{8\}$' || :
}

test_expect_success 'the four units exist; no single $ for systemd to expand' '
	for u in jvs-snapshot@.service jvs-snapshot@.timer jvs-gc@.service jvs-gc@.timer; do
		test -f "$U/$u" || return 1
	done &&
	for u in jvs-snapshot@.service jvs-gc@.service; do
		sed -n "s/^ExecStart=//p" "$U/$u" | sed "s/\\\$\\\$//g" >rest &&
		! grep "\\\$" rest || return 1
	done
'

test_expect_success 'hardened: ProtectSystem=strict, NoNewPrivileges, the repository only writable' '
	for u in jvs-snapshot@.service jvs-gc@.service; do
		grep -x "ProtectSystem=strict" "$U/$u" &&
		grep -x "NoNewPrivileges=yes" "$U/$u" &&
		grep -x "ReadWritePaths=%f" "$U/$u" &&
		test $(grep -c "^ReadWritePaths=" "$U/$u") = 1 &&
		grep -x "EnvironmentFile=-/etc/jvs/%i.conf" "$U/$u" &&
		grep -x "Type=oneshot" "$U/$u" || return 1
	done &&
	grep -- "--skip-unchanged" "$U/jvs-snapshot@.service" &&
	grep -x "Persistent=true" "$U/jvs-snapshot@.timer" &&
	grep -x "WantedBy=timers.target" "$U/jvs-gc@.timer"
'

# systemd-analyze verify works on unit files outside a running systemd, but
# not in every container: probe it with a trivial unit first.
if command -v systemd-analyze >/dev/null 2>&1; then
	mkdir probe &&
	printf '[Service]\nType=oneshot\nExecStart=/bin/true\n' >probe/jvs-probe.service
	if systemd-analyze verify --man=no probe/jvs-probe.service >probe.log 2>&1 &&
		! test -s probe.log; then
		test_set_prereq ANALYZE
	else
		echo "# skipping systemd-analyze verify: it fails here on a trivial unit: $(head -1 probe.log)"
	fi
else
	echo "# skipping systemd-analyze verify: systemd-analyze is not installed"
fi

test_expect_success ANALYZE 'systemd-analyze verify: instances of all four units are clean' '
	mkdir -p "$R" inst &&
	i=$(systemd-escape --path "$R") &&
	for u in jvs-snapshot jvs-gc; do
		cp "$U/$u@.service" "inst/$u@$i.service" &&
		cp "$U/$u@.timer" "inst/$u@$i.timer" || return 1
	done &&
	systemd-analyze verify --man=no inst/* >verify.log 2>&1 &&
	! test -s verify.log || { cat verify.log; false; }
'

test_expect_success ANALYZE 'systemd-analyze verify catches a broken unit (the check is real)' '
	mkdir bad &&
	sed "s/^OnCalendar=.*/OnCalendar=not a time/" "$U/jvs-gc@.timer" >"bad/jvs-gc@x.timer" &&
	cp "$U/jvs-gc@.service" "bad/jvs-gc@x.service" &&
	test_must_fail systemd-analyze verify --man=no bad/jvs-gc@x.timer 2>bad.log &&
	grep -i calendar bad.log
'

test_expect_success 'snapshot ExecStart: tags and note from the EnvironmentFile' '
	rm -rf "$R" && jvs-init "$R" >/dev/null &&
	echo one >"$R/main/f" &&
	printf "%s\n" "JVS_TAGS=\"nightly keep\"" "JVS_NOTE=\"night run\"" >conf &&
	exec_start jvs-snapshot@.service conf >out 2>err &&
	test "$(nsnaps)" = 1 &&
	(cd "$R/main" && jvs-history --json) >h &&
	python3 -c "
import json, sys
h = json.load(open(\"h\"))
assert len(h) == 1, h
assert sorted(h[0][\"tags\"]) == [\"keep\", \"nightly\"], h
assert h[0][\"note\"] == \"night run\", h
"
'

test_expect_success 'snapshot ExecStart: unchanged worktree, nothing made, exit 0' '
	exec_start jvs-snapshot@.service conf >out 2>err &&
	test "$(nsnaps)" = 1 &&
	grep "^No changes since " err
'

test_expect_success 'snapshot ExecStart: without a conf file, main, no tags, the default note' '
	echo two >"$R/main/f" &&
	exec_start jvs-snapshot@.service "" >out 2>err &&
	test "$(nsnaps)" = 2 &&
	(cd "$R/main" && jvs-history --json) >h &&
	python3 -c "
import json
h = json.load(open(\"h\"))
assert h[0][\"tags\"] == [] and h[0][\"note\"] == \"scheduled snapshot\", h[0]
"
'

test_expect_success 'snapshot ExecStart: several worktrees; a bad one fails the run, the others are taken' '
	(cd "$R/main" && jvs-worktree-fork dev) >/dev/null 2>&1 &&
	echo dev >"$R/worktrees/dev/g" &&
	echo three >"$R/main/f" &&
	n=$(nsnaps) &&
	echo "JVS_WORKTREES=\"nosuch main dev\"" >conf2 &&
	test_must_fail exec_start jvs-snapshot@.service conf2 >out 2>err &&
	test "$(nsnaps)" = $((n + 2)) &&
	echo "JVS_WORKTREES=\"main dev\"" >conf2 &&
	exec_start jvs-snapshot@.service conf2 >out 2>err &&
	test "$(nsnaps)" = $((n + 2)) &&
	test $(grep -c "^No changes since " err) = 2
'

test_expect_success 'gc ExecStart: refuses without JVS_GC_POLICY, deletes nothing' '
	n=$(nsnaps) &&
	test_must_fail exec_start jvs-gc@.service "" >out 2>err &&
	grep "JVS_GC_POLICY" err &&
	test "$(nsnaps)" = $n
'

test_expect_success 'gc ExecStart: an unknown saved policy fails, deletes nothing' '
	echo JVS_GC_POLICY=nosuch >gconf &&
	test_must_fail exec_start jvs-gc@.service gconf >out 2>err &&
	grep nosuch err &&
	test "$(nsnaps)" = $n
'

test_expect_success 'gc ExecStart: plans with the saved policy and runs exactly that plan' '
	python3 - "$R/.jvs/config.json" <<-\EOF &&
	import json, sys
	cfg = json.load(open(sys.argv[1]))
	cfg["gc_policies"] = {"nightly": {"keep_last": 1}}
	json.dump(cfg, open(sys.argv[1], "w"), indent=2)
	EOF
	(cd "$R" && jvs-gc-plan --policy nightly --json) >plan.json &&
	echo JVS_GC_POLICY=nightly >gconf &&
	exec_start jvs-gc@.service gconf >out 2>err &&
	tail -n 1 "$R/.jvs/audit/audit.jsonl" >last &&
	python3 - plan.json last <<-\EOF &&
	import json, sys
	plan = json.load(open(sys.argv[1]))
	rec = json.load(open(sys.argv[2]))
	assert rec["operation"] == "gc_run", rec
	assert rec["details"]["plan_id"] == plan["plan_id"], (rec, plan)
	assert rec["details"]["deleted"] == plan["candidates"], (rec, plan)
	assert plan["candidate_count"] > 0, plan
	EOF
	(cd "$R" && jvs-verify --all) >/dev/null &&
	(cd "$R/main" && jvs-status -q)
'

test_expect_success 'gc ExecStart: nothing left to delete is a success' '
	exec_start jvs-gc@.service gconf >out 2>err
'

# The five commands of the README, minus apt and systemctl, on $R.
test_expect_success 'README: the jvs config and install lines give a saved policy and a conf file' '
	sed -n "/^### Nightly snapshots with retention/,/^### /p" "$jvs_root/README.md" >section &&
	grep "^sudo jvs -C /srv/app config set gc.policy.nightly " section |
		sed "s|^sudo ||; s|/srv/app|$R|g" >cmds &&
	grep "^printf .JVS_GC_POLICY" section |
		sed "s|sudo ||; s|/etc/jvs/srv-app.conf|$PWD/etc/jvs/x.conf|" >>cmds &&
	test $(wc -l <cmds) = 2 &&
	rm -rf "$R" && jvs-init "$R" >/dev/null &&
	sh -e cmds &&
	python3 -c "import json,sys; assert json.load(open(sys.argv[1]))[\"gc_policies\"][\"nightly\"][\"keep_daily\"] == 7" "$R/.jvs/config.json" &&
	echo one >"$R/main/f" &&
	exec_start jvs-snapshot@.service etc/jvs/x.conf &&
	exec_start jvs-gc@.service etc/jvs/x.conf >out 2>err &&
	tail -n 1 "$R/.jvs/audit/audit.jsonl" | grep "\"gc_run\"" &&
	test "$(systemd-escape --path /srv/app 2>/dev/null || echo srv-app)" = srv-app
'

test_done
