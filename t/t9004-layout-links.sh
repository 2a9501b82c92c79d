#!/bin/sh

test_description='every file and directory of the layout replaced by a link or a FIFO

Each path of the repository layout (SPEC section 2: .jvs and everything in
it, the payload roots main/, worktrees/ and worktrees/NAME) is replaced in
turn (a) by a symlink to a copy of it outside the repository, (b) by a
dangling symlink to a path outside, (c) by a FIFO and (d) by a directory
where a file belongs or a file where a directory does. Every mutating
program (and doctor, verify) then runs under a timeout: none may hang or
crash, each ends with 0 or a clean "jvs-CMD: E_CLASS: ..." whose exit code
is the one SPEC section 12 gives the class, and nothing outside the
repository changes: the sentinel tree keeps its listing, modes, mtimes and
hashes, and nothing appears where the dangling links point.'

. "$(dirname "$0")/test-lib.sh"

# seconds one program may take before it counts as hung
T9004_TIMEOUT=${T9004_TIMEOUT:-10}

test_expect_success 'setup: a template repository with every layout path' '
	jvs init tpl >/dev/null &&
	mkdir tpl/main/d &&
	echo one >tpl/main/a &&
	echo bee >tpl/main/d/b &&
	(cd tpl/main && jvs snapshot -q first) >id1 &&
	echo two >tpl/main/a &&
	(cd tpl/main && jvs snapshot -q second) >id2 &&
	jvs -C tpl worktree fork -q "$(cat id1)" w1 >/dev/null &&
	jvs -C tpl worktree fork -q "$(cat id1)" w2 >/dev/null &&
	jvs -C tpl pin add "$(cat id1)" >/dev/null &&
	jvs -C tpl pin list --json >pins &&
	sed -n "s/.*\"pin_id\": \"\\([^\"]*\\)\".*/\\1/p" pins >pin &&
	test -s pin &&
	jvs -C tpl gc plan --json >plan.json &&
	sed -n "s/.*\"plan_id\": \"\\([^\"]*\\)\".*/\\1/p" plan.json | head -n 1 >plan &&
	test -s plan &&
	echo "*.tmp" >tpl/.jvs/ignore &&
	jvs -C tpl worktree fork -q "$(cat id1)" lost >/dev/null &&
	echo three >tpl/worktrees/lost/a &&
	(cd tpl/worktrees/lost && jvs snapshot -q lost) >id3 &&
	jvs -C tpl worktree remove -q lost &&
	rm tpl/.jvs/descriptors/"$(cat id3)".json &&
	(cd tpl && jvs doctor --repair-runtime) >/dev/null 2>&1 &&
	test -d tpl/.jvs/quarantine &&
	(cd tpl && jvs doctor) >/dev/null &&
	jvs -C tpl history >/dev/null &&
	test -f tpl/.jvs/index.sqlite &&
	test -f tpl/.jvs/locks/repo.lock.holder &&
	test -f tpl/.jvs/locks/worktree-main.lock.holder
'

id1=$(cat "$TRASH_DIRECTORY/id1" 2>/dev/null)
id2=$(cat "$TRASH_DIRECTORY/id2" 2>/dev/null)
pin=$(cat "$TRASH_DIRECTORY/pin" 2>/dev/null)
plan=$(cat "$TRASH_DIRECTORY/plan" 2>/dev/null)

# SPEC section 12: the exit code of each class.
class_exit () {
	case $1 in
	E_IO | E_EXISTS | E_NO_WORKTREE | E_NOT_A_REPO | E_UNSUPPORTED_FILE | E_INTERNAL) echo 1 ;;
	E_USAGE | E_NAME_INVALID | E_PATH_ESCAPE) echo 2 ;;
	E_NOT_FOUND | E_AMBIGUOUS) echo 3 ;;
	E_DESCRIPTOR_CORRUPT | E_PAYLOAD_HASH_MISMATCH | E_LINEAGE_BROKEN | E_PARTIAL_SNAPSHOT | \
	E_AUDIT_CHAIN_BROKEN | E_FORMAT_UNSUPPORTED) echo 4 ;;
	E_LOCKED | E_GC_PLAN_MISMATCH | E_DIRTY) echo 5 ;;
	*) echo none ;;
	esac
}

# state DIR: listing, types, modes, sizes, mtimes, link targets and hashes.
state () {
	(cd "$1" &&
	 find . -printf '%p %y %m %s %T@ %l\n' | sort &&
	 find . -type f -exec sha256sum {} + | sort)
}

# clean_run LABEL CMD...: CMD ends in time, without a signal, with 0 or a
# "jvs-CMD: E_CLASS: message" on stderr and the exit code of that class.
# doctor and verify may instead report findings on stdout with exit 4.
clean_run () {
	label_=$1
	shift
	timeout -k 2 "$T9004_TIMEOUT" "$@" </dev/null >run.out 2>run.err
	rc_=$?
	if [ "$rc_" -eq 0 ]; then
		return 0
	fi
	if [ "$rc_" -eq 124 ] || [ "$rc_" -eq 137 ]; then
		echo "$label: $label_ hung (killed after ${T9004_TIMEOUT}s): $*" >&4
		return 1
	fi
	if [ "$rc_" -gt 5 ]; then
		echo "$label: $label_ exit $rc_ (crash or unknown code): $*" >&4
		cat run.err >&4
		return 1
	fi
	class_=$(sed -n "s/^jvs-[a-z-]*: \\(E_[A-Z_]*\\): .*/\\1/p" run.err | tail -n 1)
	if [ -z "$class_" ]; then
		case $label_ in
		doctor* | verify*)
			[ "$rc_" -eq 4 ] && [ -s run.out ] && return 0 ;;
		esac
		echo "$label: $label_ exit $rc_ without a clean E_ error: $*" >&4
		cat run.out run.err >&4
		return 1
	fi
	if [ "$(class_exit "$class_")" != "$rc_" ]; then
		echo "$label: $label_ printed $class_ but exited $rc_: $*" >&4
		cat run.err >&4
		return 1
	fi
	return 0
}

# Every program that writes, and the checkers; worktree w1 is removed,
# w2 renamed, so the steps do not depend on each other.
run_all () {
	clean_run snapshot jvs -C c -w main snapshot -q --no-progress hostile &&
	clean_run restore jvs -C c -w main restore --discard --no-progress "$id1" &&
	clean_run restore-head jvs -C c -w main restore --discard --no-progress HEAD &&
	clean_run create jvs -C c worktree create wn &&
	clean_run fork jvs -C c worktree fork --no-progress "$id1" wf &&
	clean_run rename jvs -C c worktree rename w2 wr &&
	clean_run remove-force jvs -C c worktree remove --force w1 &&
	clean_run pin-add jvs -C c pin add "$id1" &&
	clean_run pin-remove jvs -C c pin remove "$pin" &&
	clean_run gc-plan jvs -C c gc plan &&
	clean_run gc-run jvs -C c gc run --plan-id "$plan" &&
	clean_run doctor jvs -C c doctor &&
	clean_run doctor-repair jvs -C c doctor --repair-runtime &&
	clean_run verify jvs -C c verify --all &&
	clean_run init jvs init c
}

# hostile PATH KIND: a fresh copy of the template with PATH replaced by
# KIND (outside: a symlink to a copy of it outside; dangling: a symlink to
# a missing path outside; fifo; swapped: a directory where a file belongs,
# a file where a directory does), then run_all.
hostile () {
	path=$1 kind=$2 label="$1 ($2)"
	rm -rf c outside dangle &&
	cp -a tpl c &&
	mkdir outside dangle &&
	if ! [ -e "c/$path" ] && ! [ -L "c/$path" ]; then
		echo "the template has no $path" >&4
		return 1
	fi &&
	case $kind in
	outside)
		cp -a "c/$path" outside/copy &&
		rm -rf "c/$path" &&
		ln -s "$TRASH_DIRECTORY/outside/copy" "c/$path" ;;
	dangling)
		rm -rf "c/$path" &&
		ln -s "$TRASH_DIRECTORY/dangle/target" "c/$path" ;;
	fifo)
		rm -rf "c/$path" &&
		mkfifo "c/$path" ;;
	swapped)
		if [ -d "c/$path" ]; then
			rm -rf "c/$path" && echo junk >"c/$path"
		else
			rm -f "c/$path" && mkdir "c/$path" && echo junk >"c/$path/junk"
		fi ;;
	esac &&
	echo precious >outside/sentinel &&
	state outside >outside.expect &&
	run_all &&
	state outside >outside.now &&
	test_cmp outside.expect outside.now &&
	find dangle -mindepth 1 >dangle.now &&
	test_line_count = 0 dangle.now
}

layout_paths () {
	cat <<-EOF
	.jvs
	.jvs/format_version
	.jvs/config.json
	.jvs/worktrees
	.jvs/worktrees/main
	.jvs/worktrees/main/config.json
	.jvs/worktrees/w1
	.jvs/worktrees/w1/config.json
	.jvs/snapshots
	.jvs/snapshots/$id1
	.jvs/snapshots/$id1.READY
	.jvs/snapshots/$id2
	.jvs/snapshots/$id2.READY
	.jvs/descriptors
	.jvs/descriptors/$id1.json
	.jvs/descriptors/$id2.json
	.jvs/manifests
	.jvs/manifests/$id1
	.jvs/manifests/$id2
	.jvs/intents
	.jvs/audit
	.jvs/audit/audit.jsonl
	.jvs/audit/audit.head
	.jvs/gc
	.jvs/gc/pins
	.jvs/gc/pins/$pin.json
	.jvs/gc/plans
	.jvs/gc/plans/$plan.json
	.jvs/gc/tombstones
	.jvs/locks
	.jvs/locks/repo.lock
	.jvs/locks/repo.lock.holder
	.jvs/locks/worktree-main.lock
	.jvs/locks/worktree-main.lock.holder
	.jvs/locks/worktree-w1.lock
	.jvs/locks/audit.lock
	.jvs/tmp
	.jvs/index.sqlite
	.jvs/ignore
	.jvs/quarantine
	main
	worktrees
	worktrees/w1
	EOF
}

for path in $(layout_paths); do
	for kind in outside dangling fifo swapped; do
		test_expect_success "$path replaced ($kind): no hang, clean errors, nothing outside changes" "
			hostile '$path' $kind
		"
	done
done

for kind in outside dangling fifo; do
	test_expect_success "the scratch names of fork, create and remove planted ($kind): nothing outside changes" "
		rm -rf c outside dangle && cp -a tpl c && mkdir outside dangle &&
		for name in .jvs-tmp-fork-wf .jvs-tmp-create-wn .jvs-tmp-remove-w1; do
			case $kind in
			outside) mkdir outside/\$name && echo keep >outside/\$name/f &&
				ln -s \"\$TRASH_DIRECTORY/outside/\$name\" c/\$name ;;
			dangling) ln -s \"\$TRASH_DIRECTORY/dangle/\$name\" c/\$name ;;
			fifo) mkfifo c/\$name ;;
			esac || return 1
		done &&
		state outside >outside.expect &&
		clean_run fork jvs -C c worktree fork --no-progress \"\$id1\" wf &&
		clean_run create jvs -C c worktree create wn &&
		clean_run remove-force jvs -C c worktree remove --force w1 &&
		state outside >outside.now &&
		test_cmp outside.expect outside.now &&
		find dangle -mindepth 1 >dangle.now &&
		test_line_count = 0 dangle.now
	"
done

test_expect_success 'ROOT/worktrees a symlink: remove --force refuses the escape, with no --force hint' '
	rm -rf c outside && cp -a tpl c && mkdir outside &&
	mv c/worktrees outside/wt && ln -s "$TRASH_DIRECTORY/outside/wt" c/worktrees &&
	state outside >outside.expect &&
	test_must_fail --exit=2 jvs -C c worktree remove --force w1 2>err &&
	grep "^jvs-worktree-remove: E_PATH_ESCAPE: " err &&
	test_must_fail --exit=2 jvs -C c worktree remove w1 2>err &&
	grep "^jvs-worktree-remove: E_PATH_ESCAPE: " err &&
	! grep -e "--force" err &&
	test_must_fail --exit=2 jvs -C c worktree fork "$id1" wf 2>err &&
	grep E_PATH_ESCAPE err &&
	test_must_fail --exit=2 jvs -C c worktree create wn 2>err &&
	grep E_PATH_ESCAPE err &&
	state outside >outside.now &&
	test_cmp outside.expect outside.now
'

test_expect_success 'a lock holder linked to a file outside is never truncated' '
	rm -rf c outside && cp -a tpl c && mkdir outside &&
	echo precious >outside/f &&
	rm c/.jvs/locks/worktree-main.lock.holder &&
	ln -s "$TRASH_DIRECTORY/outside/f" c/.jvs/locks/worktree-main.lock.holder &&
	echo three >c/main/a &&
	jvs -C c -w main snapshot -q third &&
	echo precious >expect &&
	test_cmp expect outside/f
'

test_expect_success 'a FIFO at format_version: every command refuses at once, doctor too' '
	rm -rf c && cp -a tpl c &&
	rm c/.jvs/format_version && mkfifo c/.jvs/format_version &&
	for cmd in "history" "info" "status -w main" "doctor" "verify --all"; do
		test_must_fail --exit=1 timeout 10 jvs -C c $cmd 2>err &&
		grep "E_UNSUPPORTED_FILE: .*format_version.* is a FIFO" err &&
		grep "^hint: " err || return 1
	done
'

test_expect_success 'doctor reports a FIFO at audit.jsonl; one at index.sqlite is replaced by the cache' '
	rm -rf c && cp -a tpl c &&
	rm c/.jvs/audit/audit.jsonl && mkfifo c/.jvs/audit/audit.jsonl &&
	rm c/.jvs/index.sqlite && mkfifo c/.jvs/index.sqlite &&
	test_must_fail --exit=4 timeout 10 jvs -C c doctor >out 2>err &&
	grep "audit_chain_broken" out &&
	test -f c/.jvs/index.sqlite && ! test -p c/.jvs/index.sqlite
'

test_expect_success 'doctor reports lock files that are links or FIFOs; --repair-runtime removes them' '
	rm -rf c outside && cp -a tpl c && mkdir outside &&
	echo precious >outside/f &&
	rm c/.jvs/locks/repo.lock c/.jvs/locks/worktree-main.lock &&
	mkfifo c/.jvs/locks/repo.lock &&
	ln -s "$TRASH_DIRECTORY/outside/f" c/.jvs/locks/worktree-main.lock &&
	timeout 10 jvs -C c doctor >out &&
	grep "lock_invalid.*repo.lock is a FIFO" out &&
	grep "lock_invalid.*worktree-main.lock is a symlink" out &&
	test_must_fail --exit=1 jvs -C c -w main snapshot -q blocked 2>err &&
	grep "E_UNSUPPORTED_FILE: .*repo.lock.* is a FIFO" err &&
	timeout 10 jvs -C c doctor --repair-runtime >out &&
	grep "^repaired.*lock_invalid\|^repaired.*repo.lock" out &&
	echo four >c/main/a &&
	jvs -C c -w main snapshot -q unblocked &&
	echo precious >expect &&
	test_cmp expect outside/f
'

test_expect_success 'huge control-plane files are refused, not loaded' '
	rm -rf c && cp -a tpl c &&
	head -c 100000 /dev/zero | tr "\0" 1 >c/.jvs/format_version &&
	test_must_fail --exit=1 jvs -C c history 2>err &&
	grep "E_UNSUPPORTED_FILE: .*format_version.* larger than" err &&
	rm -rf c && cp -a tpl c &&
	{ printf "{\"name\":\"" && head -c 17000000 /dev/zero | tr "\0" x && printf "\"}"; } \
		>c/.jvs/worktrees/w1/config.json &&
	test_must_fail --exit=4 jvs -C c -w w1 status 2>err &&
	grep "E_DESCRIPTOR_CORRUPT: .*too large" err
'

test_expect_success '--wait=1 waits a whole second for a busy lock' '
	rm -rf c && cp -a tpl c &&
	{ flock c/.jvs/locks/worktree-main.lock sleep 4 & } &&
	sleep 0.3 &&
	start=$(date +%s%N) &&
	test_must_fail --exit=5 jvs -C c -w main snapshot -q --wait=1 busy 2>err &&
	end=$(date +%s%N) &&
	grep E_LOCKED err &&
	elapsed=$(( (end - start) / 1000000 )) &&
	echo "waited $elapsed ms" &&
	test "$elapsed" -ge 1000 &&
	test "$elapsed" -lt 3500 &&
	wait
'

test_done
