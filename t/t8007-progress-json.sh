#!/bin/sh

test_description='--progress=json and JVS_PROGRESS=json: one JSON event a line on stderr for snapshot, restore, fork, verify and gc run, beside --json on stdout'

. "$(dirname "$0")/test-lib.sh"

# check_events.py FILE OPERATION [DONE] [MIN_PROGRESS]: every line of FILE is
# a JSON event of OPERATION with all the fields, counts never go down, the
# last line and only it is the done event, its "done" is DONE (if given), and
# there are at least MIN_PROGRESS progress events before it.
test_expect_success 'setup: the event checker and a tree of 3000 small files' '
	cat >check_events.py <<-\EOF &&
	import json, sys
	path, op = sys.argv[1], sys.argv[2]
	want_done = int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[3] != "-" else None
	min_progress = int(sys.argv[4]) if len(sys.argv) > 4 else 0
	lines = open(path, encoding="utf-8").read().split("\n")
	assert lines[-1] == "", "stderr does not end in a newline"
	lines = lines[:-1]
	assert lines, "no events"
	ints = ("done", "bytes_done", "rate_bytes_per_s", "elapsed_ms")
	totals = ("total", "bytes_total")
	prev = None
	for n, line in enumerate(lines):
	    e = json.loads(line)
	    assert set(e) == {"type", "operation", "phase", "unit", *ints, *totals}, e
	    assert e["type"] == ("done" if n == len(lines) - 1 else "progress"), e
	    assert e["operation"] == op, e
	    assert isinstance(e["phase"], str) and isinstance(e["unit"], str), e
	    for k in ints:
	        assert isinstance(e[k], int) and e[k] >= 0, (k, e)
	    for k in totals:
	        assert e[k] is None or (isinstance(e[k], int) and e[k] > 0), (k, e)
	    if e["total"] is not None:
	        assert e["done"] <= e["total"], e
	    if e["bytes_total"] is not None:
	        assert e["bytes_done"] <= e["bytes_total"], e
	    if prev:
	        for k in ("done", "bytes_done", "elapsed_ms"):
	            assert e[k] >= prev[k], (k, prev, e)
	    prev = e
	if want_done is not None:
	    assert prev["done"] == want_done, (prev, want_done)
	if prev["total"] is not None:
	    assert prev["done"] == prev["total"], prev
	assert len(lines) - 1 >= min_progress, (len(lines), min_progress)
	EOF
	cat >field.py <<-\EOF &&
	import json, sys
	v = json.load(open(sys.argv[1]))
	for k in sys.argv[2:]:
	    v = v[int(k)] if isinstance(v, list) else v[k]
	print(v)
	EOF
	jvs init repo >/dev/null &&
	mkdir repo/main/d &&
	i=0 &&
	while [ $i -lt 3000 ]; do
		echo "file $i" >repo/main/d/f$i || return 1
		i=$((i + 1))
	done
'

test_expect_success 'snapshot --progress=json --json: events on stderr, stdout unchanged' '
	(cd repo/main &&
	 JVS_PROGRESS_INTERVAL_MS=0 jvs snapshot --progress=json --json -t one first >../../out 2>../../err) &&
	python3 field.py out file_count >count &&
	test "$(cat count)" = 3000 &&
	python3 check_events.py err snapshot 3000 2 &&
	python3 field.py out snapshot_id >id1 &&
	grep -c "^file" repo/.jvs/manifests/$(cat id1) >n &&
	test "$(cat n)" = 3000
'

test_expect_success 'the default throttle: few events, the last one done' '
	(cd repo/main && echo x >d/f1 &&
	 jvs snapshot --progress=json second >../../out 2>../../err) &&
	grep "^Created snapshot" out &&
	python3 check_events.py err snapshot 3000 &&
	test $(wc -l <err) -lt 100
'

test_expect_success 'JVS_PROGRESS=json does the same, also with -q' '
	(cd repo/main && echo y >d/f2 &&
	 JVS_PROGRESS=json JVS_PROGRESS_INTERVAL_MS=0 jvs snapshot -q third >../../out 2>../../err) &&
	test $(wc -l <out) = 1 &&
	python3 check_events.py err snapshot 3000 2
'

test_expect_success 'the options win over JVS_PROGRESS' '
	(cd repo/main && echo z >d/f3 &&
	 JVS_PROGRESS=json jvs snapshot --no-progress fourth >../../out 2>../../err) &&
	! test -s err &&
	(cd repo/main && echo w >d/f3 &&
	 JVS_PROGRESS=json jvs snapshot --progress=never fifth >../../out 2>../../err) &&
	! test -s err &&
	(cd repo/main && echo v >d/f3 &&
	 JVS_PROGRESS=json jvs snapshot --progress=auto sixth >../../out 2>../../err) &&
	! test -s err &&
	(cd repo/main && echo u >d/f3 &&
	 JVS_PROGRESS=never jvs snapshot --progress=json seventh >../../out 2>../../err) &&
	python3 check_events.py err snapshot 3000
'

test_expect_success 'without the option or the variable, no events and no bar off a TTY' '
	(cd repo/main && echo t >d/f3 &&
	 JVS_PROGRESS_MIN_MS=0 jvs snapshot eighth >../../out 2>../../err) &&
	grep "^Created snapshot" out &&
	! test -s err &&
	(cd repo/main && echo s >d/f3 &&
	 JVS_PROGRESS=bogus JVS_PROGRESS_MIN_MS=0 jvs snapshot ninth >../../out 2>../../err) &&
	! test -s err
'

if command -v script >/dev/null 2>&1; then
	test_set_prereq SCRIPT
fi

test_expect_success SCRIPT 'on a TTY --progress=json prints the events and no progress line' '
	(cd repo/main && echo r >d/f3) &&
	JVS_PROGRESS_MIN_MS=0 script -q -e -c "cd repo/main && jvs snapshot --progress=json tty" /dev/null >tty.raw 2>&1 &&
	tr -d "\r" <tty.raw >tty.out &&
	grep "^Created snapshot" tty.out &&
	grep -v "^Created snapshot" tty.out >events &&
	python3 check_events.py events snapshot 3000 &&
	! grep -a "files, " tty.raw
'

test_expect_success '--progress=bogus is E_USAGE, exit 2' '
	(cd repo/main &&
	 test_must_fail --exit=2 jvs snapshot --progress=bogus >../../out 2>../../err) &&
	grep "E_USAGE: --progress takes auto, never or json" err &&
	test_must_fail --exit=2 jvs-verify --progress >out 2>err &&
	grep "E_USAGE" err
'

test_expect_success 'restore --progress=json --json' '
	(cd repo/main && rm -r d && mkdir d && echo new >d/only &&
	 JVS_PROGRESS_INTERVAL_MS=0 jvs restore --discard --progress=json --json one >../../out 2>../../err) &&
	python3 -c "import json; json.load(open(\"out\"))" &&
	python3 check_events.py err restore - 2 &&
	test -f repo/main/d/f2999
'

test_expect_success 'restore with JVS_PROGRESS=json' '
	(cd repo/main && rm -r d &&
	 JVS_PROGRESS=json jvs restore --discard one >../../out 2>../../err) &&
	grep "^Restored main" out &&
	python3 check_events.py err restore
'

test_expect_success 'worktree fork --progress=json --json: one event per entry' '
	JVS_PROGRESS_INTERVAL_MS=0 jvs -C repo worktree fork --progress=json --json one copy >out 2>err &&
	python3 field.py out name >name &&
	test "$(cat name)" = copy &&
	python3 check_events.py err fork $(wc -l <repo/.jvs/manifests/$(cat id1)) 2 &&
	JVS_PROGRESS=json jvs -C repo worktree fork one copy2 >out 2>err &&
	grep "^Created worktree copy2" out &&
	python3 check_events.py err fork
'

test_expect_success 'verify --progress=json --json: done counts the files' '
	JVS_PROGRESS_INTERVAL_MS=0 jvs -C repo verify --progress=json --json one >out 2>err &&
	python3 field.py out 0 severity >sev &&
	test "$(cat sev)" = ok &&
	python3 check_events.py err verify 3000 &&
	JVS_PROGRESS=json jvs -C repo verify one >out 2>err &&
	grep "^OK" out &&
	python3 check_events.py err verify 3000
'

test_expect_success 'verify --all: one done event after all the snapshots' '
	JVS_PROGRESS=json jvs -C repo verify --all >out 2>err &&
	grep "^OK audit chain" out &&
	python3 check_events.py err verify
'

test_expect_success 'gc run --progress=json' '
	jvs -C repo worktree remove --force copy >/dev/null &&
	jvs -C repo worktree remove --force copy2 >/dev/null &&
	jvs -C repo gc plan --keep-last 1 --json >plan &&
	python3 field.py plan plan_id >plan_id &&
	jvs -C repo gc run --progress=json --plan-id $(cat plan_id) >out 2>err &&
	python3 check_events.py err gc-run
'

test_done
