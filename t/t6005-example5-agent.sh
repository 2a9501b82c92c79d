#!/bin/sh

test_description='EXAMPLES.md Example 5: agent workflow sandboxing, commands as written'

. "$(dirname "$0")/test-lib.sh"
. "$jvs_root/t/lib-examples.sh"

T=$TRASH_DIRECTORY
R=$T/agent-sandbox
ID_RE='[0-9]\{13\}-[0-9a-f]\{8\}'
# The example runs {1..100}; 25 keeps the script fast.
RUNS=${JVS_TEST_AGENT_RUNS:-25}

# The agent (python agent.py --experiment N): edits code and config, adds
# and removes files, and writes output/result.txt.
mkdir initial-code
cat >initial-code/agent.sh <<\EOF
run=$1
sed -i "s/^temperature=.*/temperature=0.$run/" config.ini
echo "step $run" >>src/plan.txt
rm -f src/obsolete.py
mkdir -p "scratch/run-$run" output
echo "tmp $run" >"scratch/run-$run/t"
echo "score=$(( (run * 37) % 101 ))" >output/result.txt
EOF
printf "[agent]\ntemperature=0.7\nmodel=small\n" >initial-code/config.ini
mkdir initial-code/src
echo "plan:" >initial-code/src/plan.txt
echo "print(1)" >initial-code/src/obsolete.py
echo "def main(): pass" >initial-code/src/main.py

test_expect_success 'Setup: jvs init agent-sandbox; copy code; snapshot --tag agent-env' '
	# Initialize agent workspace
	jvs init agent-sandbox >"$T/out" &&
	grep "^Initialized JVS repository in $R\$" "$T/out" &&
	cd agent-sandbox/main &&
	# Set up initial environment
	cp -r "$T"/initial-code/* . &&
	# python install_dependencies.py
	mkdir -p deps/lib && echo "numpy 1.26" >deps/lib/MANIFEST &&
	jvs snapshot "Initial agent environment" --tag agent-env >"$T/out" &&
	env=$(created_id "$T/out") && test -n "$env" &&
	echo $env >"$T/env.id" &&
	same_as . $env
'

test_expect_success "Agent execution loop: $RUNS runs, each from a clean agent-env" '
	cd agent-sandbox/main &&
	env=$(cat "$T/env.id") &&
	: >"$T/run.ids" &&
	for RUN in $(seq 1 $RUNS); do
		# Restore to clean state
		jvs restore agent-env >"$T/restore.out" &&
		grep "^Restored main to $env (Initial agent environment)\$" "$T/restore.out" &&
		! grep Saved "$T/restore.out" &&
		if test $RUN = 1
		then
			grep "HEAD state" "$T/restore.out"
		else
			grep "^DETACHED" "$T/restore.out"
		fi &&
		jvs status -q &&
		same_as . $env &&

		# Agent makes modifications
		sh ./agent.sh $RUN &&

		# Capture result
		RESULT=$(cat output/result.txt) &&

		# Snapshot result state
		jvs snapshot "Agent run $RUN: $RESULT" --tag "run-$RUN" --tag agent >"$T/snap.out" 2>"$T/snap.err" &&
		id=$(created_id "$T/snap.out") && test -n "$id" &&
		echo $id >>"$T/run.ids" &&
		if test $RUN -gt 1
		then
			grep "history --all" "$T/snap.err"
		fi &&
		same_as . $id &&

		# Collect results
		jvs history --tag "run-$RUN" --format json >"$T/run-$RUN.json" &&
		python3 - "$T/run-$RUN.json" $id $env "Agent run $RUN: $RESULT" "run-$RUN" <<-\EOF || return 1
		import json, sys
		path, sid, env, note, tag = sys.argv[1:]
		snaps = json.load(open(path))
		assert len(snaps) == 1, snaps
		s = snaps[0]
		assert s["snapshot_id"] == sid, s
		assert s["parent_id"] == env, s
		assert s["note"] == note, s
		assert s["tags"] == [tag, "agent"], s
		assert s["worktree_name"] == "main", s
		EOF
	done &&
	test_line_count = $RUNS "$T/run.ids"
'

test_expect_success 'every run started from agent-env and kept only its own changes' '
	env=$(cat "$T/env.id") &&
	n=0 &&
	for id in $(cat "$T/run.ids"); do
		n=$((n + 1)) &&
		s=$R/.jvs/snapshots/$id &&
		echo "score=$(( (n * 37) % 101 ))" >"$T/expect" &&
		test_cmp "$T/expect" "$s/output/result.txt" &&
		printf "plan:\nstep $n\n" >"$T/expect" &&
		test_cmp "$T/expect" "$s/src/plan.txt" &&
		grep "^temperature=0.$n\$" "$s/config.ini" &&
		ls "$s/scratch" >"$T/actual" &&
		echo "run-$n" >"$T/expect" &&
		test_cmp "$T/expect" "$T/actual" &&
		test_path_is_missing "$s/src/obsolete.py" || return 1
	done
'

test_expect_success 'history: --tag run-1 is exact (not run-1x), --tag agent lists all runs' '
	cd agent-sandbox/main &&
	env=$(cat "$T/env.id") &&
	jvs history --tag run-1 --format id >"$T/ids" 2>"$T/err" &&
	sed -n 1p "$T/run.ids" >"$T/expect" &&
	test_cmp "$T/expect" "$T/ids" &&
	! grep "starting with" "$T/err" &&
	jvs history --tag agent --format id >"$T/ids" &&
	sort -r "$T/run.ids" >"$T/expect" &&
	test_cmp "$T/expect" "$T/ids" &&
	# the lineage of main: the last run on top of agent-env
	jvs history --format id >"$T/ids" &&
	{ tail -n 1 "$T/run.ids" && echo $env; } >"$T/expect" &&
	test_cmp "$T/expect" "$T/ids" &&
	jvs history --all --format id >"$T/ids" &&
	test_line_count = $((RUNS + 1)) "$T/ids"
'

test_expect_success 'Deterministic experiments: a baseline to start from' '
	cd agent-sandbox/main &&
	jvs restore agent-env >/dev/null &&
	jvs snapshot "Experiment baseline" --tag baseline >"$T/out" 2>/dev/null &&
	created_id "$T/out" >"$T/baseline.id" &&
	test -s "$T/baseline.id"
'

# python experiment.py --seed S [--output F]: deterministic given the seed
experiment () {
	_seed=$2 && _out=${4:-results.txt} &&
	awk -v seed=$_seed "BEGIN { srand(seed); for (i = 0; i < 8; i++) printf \"%.6f\\n\", rand() }" >"$_out"
}

test_expect_success 'Deterministic experiments: restore baseline, seed 42, snapshot' '
	cd agent-sandbox/main &&
	base=$(cat "$T/baseline.id") &&
	# Ensure exact same starting state for each experiment
	jvs restore baseline >"$T/out" &&
	grep "^Restored main to $base (Experiment baseline)\$" "$T/out" &&
	grep "HEAD state" "$T/out" &&
	same_as . $base &&
	# Run experiment with fixed seed
	experiment --seed 42 --output results.txt &&
	# Snapshot immediately after (no other changes)
	jvs snapshot "Experiment with seed 42" --tag deterministic >"$T/out" &&
	s42=$(created_id "$T/out") && test -n "$s42" &&
	echo $s42 >"$T/s42.id" &&
	test "$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[\"parent_id\"])" "$R/.jvs/descriptors/$s42.json")" = $base &&
	jvs diff $base $s42 >"$T/diff" &&
	printf "A\tresults.txt\n" >"$T/expect" &&
	test_cmp "$T/expect" "$T/diff"
'

test_expect_success 'other experiments follow (seed 7, seed 420)' '
	cd agent-sandbox/main &&
	jvs restore baseline >/dev/null &&
	experiment --seed 7 --output results.txt &&
	echo "tweak" >>config.ini &&
	jvs snapshot "Experiment with seed 7" --tag deterministic >/dev/null 2>&1 &&
	jvs restore baseline >/dev/null &&
	experiment --seed 420 --output results.txt &&
	jvs snapshot "Experiment with seed 420" --tag deterministic >/dev/null 2>&1 &&
	echo "leftover" >results.txt
'

test_expect_success 'Later: jvs restore "Experiment with seed 42" (exact note); same results' '
	cd agent-sandbox/main &&
	s42=$(cat "$T/s42.id") &&
	jvs restore "Experiment with seed 42" >"$T/out" &&
	grep "^Saved unsnapshotted changes as $ID_RE (tag autosave)\$" "$T/out" &&
	grep "^Restored main to $s42 (Experiment with seed 42)\$" "$T/out" &&
	grep "^DETACHED" "$T/out" &&
	same_as . $s42 &&
	! grep tweak config.ini &&
	cp results.txt "$T/results.snap" &&
	experiment --seed 42 &&
	# Results will be identical
	test_cmp "$T/results.snap" results.txt &&
	jvs status -q
'

test_expect_success 'doctor --strict healthy, verify --all OK' '
	cd agent-sandbox/main &&
	jvs doctor --strict >"$T/out" &&
	grep "^Repository is healthy\$" "$T/out" &&
	jvs verify --all >"$T/out" &&
	ls "$R/.jvs/descriptors" | sed "s/\.json\$//" | LC_ALL=C sort >"$T/expect" &&
	sed -n "s/^OK \($ID_RE\)\$/\1/p" "$T/out" | LC_ALL=C sort >"$T/actual" &&
	test_cmp "$T/expect" "$T/actual" &&
	grep "^OK audit chain\$" "$T/out"
'

test_done
