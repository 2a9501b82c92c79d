#!/bin/sh

test_description='EXAMPLES.md Example 1: machine learning experiment workflow, commands as written'

. "$(dirname "$0")/test-lib.sh"
. "$jvs_root/t/lib-examples.sh"

T=$TRASH_DIRECTORY
R=$T/mnt/juicefs/ml-experiments
ID_RE='[0-9]\{13\}-[0-9a-f]\{8\}'

test_expect_success 'Setup: jvs init ml-experiments; cd ml-experiments/main' '
	mkdir -p mnt/juicefs &&
	# Initialize JVS repository on JuiceFS mount
	cd mnt/juicefs &&
	jvs init ml-experiments >"$T/init.out" &&
	grep "^Initialized JVS repository in $R\$" "$T/init.out" &&
	grep "cd ml-experiments/main" "$T/init.out" &&
	cd ml-experiments/main &&
	test "$(pwd -P)" = "$R/main" &&
	ls -A >"$T/ls" && test_cmp /dev/null "$T/ls"
'

test_expect_success 'Setup: dataset, environment, snapshot --tag baseline, history' '
	cd mnt/juicefs/ml-experiments/main &&
	# cp -r /data/dataset .
	mkdir dataset &&
	for i in 1 2 3 4 5; do
		seq 1 $((i * 200)) | sed "s/^/row-$i,/" >dataset/part-000$i.csv || return 1
	done &&
	printf "\000\001\002binary\377" >dataset/labels.bin &&
	# python setup_environment.py
	mkdir env &&
	echo "python=3.11 torch=2.2" >env/requirements.lock &&
	echo "#!/bin/sh" >env/activate && chmod 755 env/activate &&
	jvs snapshot "Initial setup with dataset" --tag baseline >"$T/out" &&
	base=$(created_id "$T/out") && test -n "$base" &&
	echo $base >"$T/baseline.id" &&
	# Verify
	jvs history >"$T/hist" &&
	test_line_count = 1 "$T/hist" &&
	grep "^${base#*-} .*Initial setup with dataset  tags: baseline  \[HEAD\]\$" "$T/hist" &&
	same_as . $base &&
	test "$(desc $base parent_id)" = None &&
	test "$(desc $base tags)" = baseline
'

test_expect_success 'Daily loop: edit train.py, snapshot Exp1 --tag exp1 --tag model, run' '
	cd mnt/juicefs/ml-experiments/main &&
	# vim train.py: Edit model architecture
	printf "model = \"resnet50\"\nlr = 0.01\n" >>train.py &&
	jvs snapshot "Exp1: ResNet50 architecture" --tag exp1 --tag model >"$T/out" &&
	exp1a=$(created_id "$T/out") && test -n "$exp1a" &&
	echo $exp1a >"$T/exp1a.id" &&
	test "$(desc $exp1a parent_id)" = "$(cat "$T/baseline.id")" &&
	test "$(desc $exp1a tags)" = exp1,model &&
	same_as . $exp1a &&
	# python train.py --epochs 100: writes checkpoints and a log, then fails
	mkdir -p runs/exp1 &&
	echo "epoch 57: loss=nan" >runs/exp1/train.log &&
	head -c 4096 /dev/urandom >runs/exp1/ckpt-57.pt &&
	echo "garbage" >dataset/part-0003.csv
'

test_expect_success 'Experiment failed: jvs restore exp1 rolls back (autosave first)' '
	cd mnt/juicefs/ml-experiments/main &&
	exp1a=$(cat "$T/exp1a.id") &&
	jvs restore exp1 >"$T/out" &&
	grep "^Saved unsnapshotted changes as $ID_RE (tag autosave)\$" "$T/out" &&
	grep "^Restored main to $exp1a (Exp1: ResNet50 architecture)\$" "$T/out" &&
	grep "HEAD state" "$T/out" &&
	! grep DETACHED "$T/out" &&
	same_as . $exp1a &&
	test_path_is_missing runs &&
	test "$(sed -n 1p dataset/part-0003.csv)" = "row-3,1" &&
	printf "model = \"resnet50\"\nlr = 0.01\n" >"$T/expect" &&
	test_cmp "$T/expect" train.py &&
	jvs status -q &&
	# the failed run is not lost: it is in the autosave
	auto=$(sed -n "s/^Saved unsnapshotted changes as \($ID_RE\) .*/\1/p" "$T/out") &&
	test -f "$R/.jvs/snapshots/$auto/runs/exp1/train.log"
'

test_expect_success 'Fix train.py, snapshot "Exp1: ResNet50 with fix" (second exp1)' '
	cd mnt/juicefs/ml-experiments/main &&
	# vim train.py: Fix the issue
	echo "grad_clip = 1.0" >>train.py &&
	jvs snapshot "Exp1: ResNet50 with fix" --tag exp1 --tag model >"$T/out" &&
	exp1b=$(created_id "$T/out") && test -n "$exp1b" &&
	echo $exp1b >"$T/exp1b.id" &&
	test "$(desc $exp1b parent_id)" = "$(cat "$T/exp1a.id")" &&
	test "$(cfg main head_snapshot_id)" = $exp1b &&
	test "$(cfg main latest_snapshot_id)" = $exp1b &&
	same_as . $exp1b
'

test_expect_success 'Experiment 2: change LR, snapshot --tag exp2 --tag hyperparam, run' '
	cd mnt/juicefs/ml-experiments/main &&
	# vim train.py: Change learning rate
	sed -i "s/^lr = 0.01\$/lr = 0.001/" train.py &&
	grep "^lr = 0.001\$" train.py &&
	jvs snapshot "Exp2: LR 0.001" --tag exp2 --tag hyperparam >"$T/out" &&
	exp2=$(created_id "$T/out") && test -n "$exp2" &&
	echo $exp2 >"$T/exp2.id" &&
	test "$(desc $exp2 parent_id)" = "$(cat "$T/exp1b.id")" &&
	same_as . $exp2 &&
	# python train.py --lr 0.001
	mkdir -p runs/exp2 &&
	echo "epoch 100: loss=0.12 acc=0.91" >runs/exp2/train.log
'

test_expect_success 'Compare experiments: jvs history --tag exp (tag prefix)' '
	cd mnt/juicefs/ml-experiments/main &&
	exp1a=$(cat "$T/exp1a.id") && exp1b=$(cat "$T/exp1b.id") && exp2=$(cat "$T/exp2.id") &&
	jvs history --tag exp >"$T/hist" 2>"$T/err" &&
	grep "tags starting with" "$T/err" &&
	test_line_count = 3 "$T/hist" &&
	cut -d" " -f1 "$T/hist" >"$T/ids" &&
	printf "%s\n" ${exp2#*-} ${exp1b#*-} ${exp1a#*-} >"$T/expect" &&
	test_cmp "$T/expect" "$T/ids" &&
	grep "^${exp2#*-} .*Exp2: LR 0.001  tags: exp2, hyperparam  \[HEAD\]\$" "$T/hist" &&
	grep "^${exp1b#*-} .*Exp1: ResNet50 with fix  tags: exp1, model\$" "$T/hist" &&
	grep "^${exp1a#*-} .*Exp1: ResNet50 architecture  tags: exp1, model\$" "$T/hist" &&
	! grep -i "autosave\|baseline" "$T/hist" &&
	# the full lineage: newest first, autosave not in it
	jvs history --format id >"$T/ids" &&
	printf "%s\n" $exp2 $exp1b $exp1a $(cat "$T/baseline.id") >"$T/expect" &&
	test_cmp "$T/expect" "$T/ids"
'

test_expect_success 'Recovering failed runs: dataset corrupted after a crash' '
	cd mnt/juicefs/ml-experiments/main &&
	# Training crashed after 10 hours, dataset is corrupted
	echo "corrupted" >dataset/part-0001.csv &&
	rm dataset/part-0002.csv &&
	head -c 100 /dev/urandom >dataset/labels.bin &&
	test_must_fail jvs status -q
'

test_expect_success 'Option 1: jvs restore exp1 restores the newest exp1, DETACHED' '
	cd mnt/juicefs/ml-experiments/main &&
	exp1b=$(cat "$T/exp1b.id") && exp2=$(cat "$T/exp2.id") &&
	jvs restore exp1 >"$T/out" &&
	grep "^Saved unsnapshotted changes as $ID_RE (tag autosave)\$" "$T/out" &&
	grep "^Restored main to $exp1b (Exp1: ResNet50 with fix)\$" "$T/out" &&
	grep "^DETACHED.*$exp1b.*$exp2" "$T/out" &&
	grep "jvs restore HEAD" "$T/out" &&
	grep "jvs worktree fork" "$T/out" &&
	! grep "HEAD state" "$T/out" &&
	same_as . $exp1b &&
	test_path_is_missing runs &&
	test "$(sed -n 1p dataset/part-0001.csv)" = "row-1,1" &&
	test "$(wc -l <dataset/part-0002.csv)" = 400 &&
	printf "\000\001\002binary\377" >"$T/expect" &&
	test_cmp "$T/expect" dataset/labels.bin &&
	grep "^grad_clip = 1.0\$" train.py && grep "^lr = 0.01\$" train.py &&
	jvs status -q &&
	test "$(cfg main head_snapshot_id)" = $exp1b &&
	test "$(cfg main latest_snapshot_id)" = $exp2
'

test_expect_success 'status and history say DETACHED and mark the position' '
	cd mnt/juicefs/ml-experiments/main &&
	exp1b=$(cat "$T/exp1b.id") && exp2=$(cat "$T/exp2.id") &&
	jvs status >"$T/st" &&
	grep DETACHED "$T/st" &&
	jvs history >"$T/hist" &&
	sed -n 1p "$T/hist" | grep "^DETACHED.*${exp1b#*-}.*${exp2#*-}" &&
	grep "^${exp2#*-} .*\[HEAD\]\$" "$T/hist" &&
	grep "^${exp1b#*-} .*current position (DETACHED)" "$T/hist" &&
	test "$(grep -c "^[0-9a-f]\{8\} " "$T/hist")" = 4
'

test_expect_success 'Option 2: jvs worktree fork investigation; cd ../worktrees/investigation' '
	cd mnt/juicefs/ml-experiments/main &&
	exp1b=$(cat "$T/exp1b.id") &&
	jvs worktree fork investigation >"$T/out" &&
	grep "^Created worktree investigation at $exp1b\$" "$T/out" &&
	cd ../worktrees/investigation &&
	test "$(pwd -P)" = "$R/worktrees/investigation" &&
	same_as . $exp1b &&
	test "$(cfg investigation base_snapshot_id)" = $exp1b &&
	test "$(cfg investigation head_snapshot_id)" = $exp1b &&
	test "$(cfg investigation latest_snapshot_id)" = $exp1b &&
	jvs status >"$T/st" &&
	grep "^Worktree: investigation\$" "$T/st" &&
	! grep DETACHED "$T/st" &&
	# Debug in isolation without affecting main
	echo "debug = True" >>train.py &&
	rm dataset/part-0005.csv &&
	cd ../../main &&
	same_as . $exp1b &&
	jvs status -q
'

test_expect_success 'Tagging strategy: snapshot "v1.0 candidate" --tag stable --tag v1.0' '
	cd mnt/juicefs/ml-experiments/worktrees/investigation &&
	# Tag release-ready experiments
	jvs snapshot "v1.0 candidate" --tag stable --tag v1.0 >"$T/out" &&
	stable=$(created_id "$T/out") && test -n "$stable" &&
	echo $stable >"$T/stable.id" &&
	test "$(desc $stable parent_id)" = "$(cat "$T/exp1b.id")" &&
	test "$(desc $stable worktree_name)" = investigation &&
	test "$(desc $stable tags)" = stable,v1.0 &&
	same_as . $stable &&
	grep "^debug = True\$" "$R/.jvs/snapshots/$stable/train.py" &&
	# Find all stable experiments
	jvs history --tag stable >"$T/hist" 2>"$T/err" &&
	test_line_count = 1 "$T/hist" &&
	grep "^${stable#*-} .*investigation.*v1.0 candidate  tags: stable, v1.0  \[HEAD\]\$" "$T/hist" &&
	! grep "starting with" "$T/err"
'

test_expect_success 'Restore to latest stable: jvs restore --latest-tag stable' '
	cd mnt/juicefs/ml-experiments/worktrees/investigation &&
	stable=$(cat "$T/stable.id") &&
	# more experiments on top of the candidate, then back to it
	echo "experimental = 1" >>train.py &&
	echo scratch >scratch.txt &&
	jvs restore --latest-tag stable >"$T/out" &&
	grep "^Saved unsnapshotted changes as $ID_RE (tag autosave)\$" "$T/out" &&
	grep "^Restored investigation to $stable (v1.0 candidate)\$" "$T/out" &&
	grep "HEAD state" "$T/out" &&
	! grep DETACHED "$T/out" &&
	same_as . $stable &&
	test_path_is_missing scratch.txt &&
	! grep experimental train.py &&
	jvs status -q
'

test_expect_success 'a newer stable snapshot wins --latest-tag; main can take it too' '
	cd mnt/juicefs/ml-experiments/worktrees/investigation &&
	echo "epochs = 120" >>train.py &&
	jvs snapshot "v1.1 candidate" --tag stable >"$T/out" &&
	stable2=$(created_id "$T/out") &&
	echo $stable2 >"$T/stable2.id" &&
	jvs restore --latest-tag stable >"$T/out" &&
	grep "^Restored investigation to $stable2 (v1.1 candidate)\$" "$T/out" &&
	grep "HEAD state" "$T/out" &&
	jvs history --tag stable --format id >"$T/ids" &&
	printf "%s\n" $stable2 $(cat "$T/stable.id") >"$T/expect" &&
	test_cmp "$T/expect" "$T/ids" &&
	cd ../../main &&
	jvs restore --latest-tag stable >"$T/out" &&
	grep "^Restored main to $stable2 (v1.1 candidate)\$" "$T/out" &&
	grep DETACHED "$T/out" &&
	same_as . $stable2 &&
	jvs restore HEAD >"$T/out" &&
	grep "^Restored main to $(cat "$T/exp2.id") (Exp2: LR 0.001)\$" "$T/out" &&
	grep "HEAD state" "$T/out" &&
	same_as . $(cat "$T/exp2.id")
'

test_expect_success 'doctor --strict is healthy and verify --all is OK' '
	cd mnt/juicefs/ml-experiments/main &&
	jvs doctor --strict >"$T/out" &&
	grep "^Repository is healthy\$" "$T/out" &&
	jvs verify --all >"$T/out" &&
	ls "$R/.jvs/descriptors" | sed "s/\.json\$//" | LC_ALL=C sort >"$T/expect" &&
	sed -n "s/^OK \($ID_RE\)\$/\1/p" "$T/out" | LC_ALL=C sort >"$T/actual" &&
	test_cmp "$T/expect" "$T/actual" &&
	test $(wc -l <"$T/actual") = 9 &&
	grep "^OK audit chain\$" "$T/out" &&
	! grep -i "FAIL\|TAMPERED" "$T/out"
'

test_done
