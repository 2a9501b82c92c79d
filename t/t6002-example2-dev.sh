#!/bin/sh

test_description='EXAMPLES.md Example 2: development environment versioning, commands as written'

. "$(dirname "$0")/test-lib.sh"
. "$jvs_root/t/lib-examples.sh"

T=$TRASH_DIRECTORY
R=$T/myservice
P=$T/production-server
ID_RE='[0-9]\{13\}-[0-9a-f]\{8\}'

# same_as REPO DIR ID: DIR holds exactly snapshot ID's files
same_as () {
	diff -r --no-dereference "$1/.jvs/snapshots/$3" "$2" &&
	(cd "$1/.jvs/snapshots/$3" && find . -mindepth 1 -printf "%p %y %m %T@ %l\n" | LC_ALL=C sort) >"$T/same.expect" &&
	(cd "$2" && find . -mindepth 1 -printf "%p %y %m %T@ %l\n" | LC_ALL=C sort) >"$T/same.actual" &&
	test_cmp "$T/same.expect" "$T/same.actual"
}

# cfg REPO WORKTREE KEY
cfg () {
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
		"$1/.jvs/worktrees/$2/config.json" "$3"
}

# desc REPO ID KEY (lists comma-joined)
desc () {
	python3 -c '
import json, sys
v = json.load(open(sys.argv[1]))[sys.argv[2]]
print(",".join(v) if isinstance(v, list) else v)' "$1/.jvs/descriptors/$2.json" "$3"
}

# go_test [-run NAME]: the stand-in for `go test`; reads only, writes nothing
go_test () {
	sh ./scripts/test.sh "$@"
}

# healthy REPO-DIR: doctor --strict healthy and verify --all all OK
healthy () {
	jvs doctor --strict >"$T/doctor.out" &&
	grep "^Repository is healthy\$" "$T/doctor.out" &&
	jvs verify --all >"$T/verify.out" &&
	ls "$1/.jvs/descriptors" | sed "s/\.json\$//" | LC_ALL=C sort >"$T/verify.expect" &&
	sed -n "s/^OK \($ID_RE\)\$/\1/p" "$T/verify.out" | LC_ALL=C sort >"$T/verify.actual" &&
	test_cmp "$T/verify.expect" "$T/verify.actual" &&
	grep "^OK audit chain\$" "$T/verify.out" &&
	! grep "FAIL\|TAMPERED" "$T/verify.out"
}

test_expect_success 'Setup: jvs init myservice; import the codebase; snapshot --tag v1.0' '
	# Initialize repo
	jvs init myservice >"$T/out" &&
	grep "^Initialized JVS repository in $R\$" "$T/out" &&
	cd myservice/main &&
	# git clone https://github.com/company/myservice.git .
	mkdir -p .git/refs/heads src scripts &&
	echo "ref: refs/heads/main" >.git/HEAD &&
	printf "[core]\n\tbare = false\n" >.git/config &&
	echo 0123456789abcdef0123456789abcdef01234567 >.git/refs/heads/main &&
	echo "module example.com/myservice" >go.mod &&
	printf "package main\n\nfunc Handle(r *Request) string {\n\treturn r.Body\n}\n" >src/handler.go &&
	printf "package main\n\nfunc TestHandle(t *testing.T) {}\n" >src/handler_test.go &&
	cat >scripts/test.sh <<-\EOF &&
	# go test: the null pointer test needs the nil check
	case "$1" in
	-run) grep -q "if r == nil" src/handler.go ;;
	*) test -f src/handler.go && test -f go.mod ;;
	esac
	EOF
	chmod 755 scripts/test.sh &&
	ln -s src/handler.go handler.go &&
	jvs snapshot "Initial import" --tag v1.0 >"$T/out" &&
	v10=$(created_id "$T/out") && test -n "$v10" &&
	echo $v10 >"$T/v10.id" &&
	same_as "$R" . $v10 &&
	test -f "$R/.jvs/snapshots/$v10/.git/HEAD"
'

test_expect_success 'Setup: Verify with doctor --strict and verify --all' '
	cd myservice/main &&
	healthy "$R" &&
	grep "^OK $(cat "$T/v10.id")\$" "$T/verify.out"
'

test_expect_success 'Developer A: edit src/handler.go, snapshot --tag feature-a --tag wip' '
	cd myservice/main &&
	# vim src/handler.go
	echo "// feature A: authentication" >>src/handler.go &&
	jvs snapshot "Feature A: Add authentication" --tag feature-a --tag wip >"$T/out" &&
	fa1=$(created_id "$T/out") && test -n "$fa1" &&
	echo $fa1 >"$T/fa1.id" &&
	test "$(desc "$R" $fa1 parent_id)" = "$(cat "$T/v10.id")" &&
	test "$(desc "$R" $fa1 tags)" = feature-a,wip &&
	same_as "$R" . $fa1
'

test_expect_success 'Developer B: jvs worktree fork feature-b; cd ../worktrees/feature-b; snapshot' '
	cd myservice/main &&
	fa1=$(cat "$T/fa1.id") &&
	jvs worktree fork feature-b >"$T/out" &&
	grep "^Created worktree feature-b at $fa1\$" "$T/out" &&
	cd ../worktrees/feature-b &&
	test "$(pwd -P)" = "$R/worktrees/feature-b" &&
	same_as "$R" . $fa1 &&
	# vim src/handler.go: different changes
	sed -i "s|// feature A: authentication|// feature B: caching|" src/handler.go &&
	jvs snapshot "Feature B: Add caching" --tag feature-b --tag wip >"$T/out" &&
	fb1=$(created_id "$T/out") && test -n "$fb1" &&
	echo $fb1 >"$T/fb1.id" &&
	test "$(desc "$R" $fb1 parent_id)" = $fa1 &&
	test "$(desc "$R" $fb1 worktree_name)" = feature-b &&
	same_as "$R" . $fb1 &&
	grep "feature B: caching" src/handler.go &&
	! grep "feature A" src/handler.go &&
	# main is untouched
	grep "feature A: authentication" "$R/main/src/handler.go"
'

test_expect_success 'Developer A continues: cd ../../main; jvs restore feature-a; snapshot' '
	cd myservice/worktrees/feature-b &&
	fa1=$(cat "$T/fa1.id") &&
	cd ../../main &&
	test "$(pwd -P)" = "$R/main" &&
	jvs restore feature-a >"$T/out" &&
	grep "^Restored main to $fa1 (Feature A: Add authentication)\$" "$T/out" &&
	grep "HEAD state" "$T/out" &&
	! grep "DETACHED\|Saved" "$T/out" &&
	same_as "$R" . $fa1 &&
	# vim src/handler.go: more changes
	echo "// feature A: auth tests" >>src/handler.go &&
	jvs snapshot "Feature A: Add auth tests" --tag feature-a >"$T/out" &&
	fa2=$(created_id "$T/out") && test -n "$fa2" &&
	echo $fa2 >"$T/fa2.id" &&
	test "$(desc "$R" $fa2 parent_id)" = $fa1 &&
	same_as "$R" . $fa2 &&
	# feature B is untouched
	same_as "$R" "$R/worktrees/feature-b" $(cat "$T/fb1.id")
'

test_expect_success 'each worktree has its own lineage; tags search the repository' '
	v10=$(cat "$T/v10.id") && fa1=$(cat "$T/fa1.id") &&
	fa2=$(cat "$T/fa2.id") && fb1=$(cat "$T/fb1.id") &&
	(cd myservice/main && jvs history) >"$T/hist" &&
	cut -d" " -f1 "$T/hist" >"$T/ids" &&
	printf "%s\n" ${fa2#*-} ${fa1#*-} ${v10#*-} >"$T/expect" &&
	test_cmp "$T/expect" "$T/ids" &&
	grep "^${fa2#*-} .*Feature A: Add auth tests  tags: feature-a  \[HEAD\]\$" "$T/hist" &&
	(cd myservice/worktrees/feature-b && jvs history) >"$T/hist" &&
	cut -d" " -f1 "$T/hist" >"$T/ids" &&
	printf "%s\n" ${fb1#*-} ${fa1#*-} ${v10#*-} >"$T/expect" &&
	test_cmp "$T/expect" "$T/ids" &&
	grep "^${fb1#*-} .*\[HEAD\]\$" "$T/hist" &&
	(cd myservice/main && jvs history --tag wip --format id) >"$T/ids" &&
	printf "%s\n" $fb1 $fa1 >"$T/expect" &&
	test_cmp "$T/expect" "$T/ids" &&
	(cd myservice/main && jvs history --tag feature-a --format id) >"$T/ids" &&
	printf "%s\n" $fa2 $fa1 >"$T/expect" &&
	test_cmp "$T/expect" "$T/ids"
'

test_expect_success 'Bug investigation: jvs restore v1.0 (DETACHED)' '
	cd myservice/main &&
	v10=$(cat "$T/v10.id") && fa2=$(cat "$T/fa2.id") &&
	jvs restore v1.0 >"$T/out" &&
	grep "^Restored main to $v10 (Initial import)\$" "$T/out" &&
	grep "^DETACHED.*$v10.*$fa2" "$T/out" &&
	! grep "HEAD state\|Saved" "$T/out" &&
	same_as "$R" . $v10 &&
	! grep feature src/handler.go &&
	test "$(cfg "$R" main head_snapshot_id)" = $v10 &&
	test "$(cfg "$R" main latest_snapshot_id)" = $fa2
'

test_expect_success 'jvs worktree fork bugfix-1234 forks the detached position (v1.0)' '
	cd myservice/main &&
	v10=$(cat "$T/v10.id") &&
	jvs worktree fork bugfix-1234 >"$T/out" &&
	grep "^Created worktree bugfix-1234 at $v10\$" "$T/out" &&
	cd ../worktrees/bugfix-1234 &&
	test "$(pwd -P)" = "$R/worktrees/bugfix-1234" &&
	same_as "$R" . $v10 &&
	test "$(cfg "$R" bugfix-1234 base_snapshot_id)" = $v10 &&
	test "$(cfg "$R" bugfix-1234 head_snapshot_id)" = $v10 &&
	test "$(cfg "$R" bugfix-1234 latest_snapshot_id)" = $v10 &&
	jvs status >"$T/st" &&
	! grep DETACHED "$T/st"
'

test_expect_success 'Fix the bug in bugfix-1234, go test, snapshot --tag bugfix --tag v1.0.1' '
	cd myservice/worktrees/bugfix-1234 &&
	v10=$(cat "$T/v10.id") &&
	# vim src/handler.go
	test_must_fail go_test -run TestNullPointer &&
	sed -i "s|^\treturn r.Body|\tif r == nil {\n\t\treturn \"\"\n\t}\n\treturn r.Body|" src/handler.go &&
	grep "if r == nil" src/handler.go &&
	# go test ./...
	go_test &&
	jvs snapshot "Fix: Handle null pointer in handler" --tag bugfix --tag v1.0.1 >"$T/out" &&
	fix=$(created_id "$T/out") && test -n "$fix" &&
	echo $fix >"$T/fix.id" &&
	test "$(desc "$R" $fix parent_id)" = $v10 &&
	test "$(desc "$R" $fix worktree_name)" = bugfix-1234 &&
	same_as "$R" . $fix &&
	# Verify fix works
	go_test -run TestNullPointer &&
	jvs status -q &&
	# main is still at v1.0, detached, without the fix
	same_as "$R" "$R/main" $v10 &&
	(cd ../../main && jvs status) >"$T/st" &&
	grep DETACHED "$T/st"
'

test_expect_success 'v1.0 and v1.0.1 are different tags; history --tag "v1.0*" finds both' '
	cd myservice/worktrees/bugfix-1234 &&
	v10=$(cat "$T/v10.id") && fix=$(cat "$T/fix.id") &&
	jvs history --tag v1.0 --format id >"$T/ids" &&
	echo $v10 >"$T/expect" &&
	test_cmp "$T/expect" "$T/ids" &&
	jvs history --tag "v1.0*" --format id >"$T/ids" &&
	printf "%s\n" $fix $v10 >"$T/expect" &&
	test_cmp "$T/expect" "$T/ids" &&
	jvs history --format id >"$T/ids" &&
	test_cmp "$T/expect" "$T/ids"
'

# The production server: its own repository, the app deployed in main.
# deploy SRC NOTE TAGS...: replace production's files with SRC's, snapshot
deploy () {
	(cd "$P/main" && find . -mindepth 1 -delete && cp -a "$1/." .) &&
	_note=$2 && shift 2 &&
	_tags= &&
	for _t; do _tags="$_tags --tag $_t"; done &&
	(cd "$P/main" && jvs snapshot "$_note" $_tags) >"$T/out" &&
	created_id "$T/out"
}

test_expect_success 'production server: releases v1.0 and v1.0.1 tagged stable, v1.1 not' '
	jvs init production-server >/dev/null &&
	deploy "$R/.jvs/snapshots/$(cat "$T/v10.id")" "Release v1.0" v1.0 stable >"$T/p10.id" &&
	deploy "$R/worktrees/bugfix-1234" "Release v1.0.1" v1.0.1 stable >"$T/p101.id" &&
	(cd myservice/main && jvs restore HEAD) >"$T/out" &&
	grep "HEAD state" "$T/out" &&
	deploy "$R/main" "Release v1.1" v1.1 >"$T/p11.id" &&
	test -s "$T/p10.id" && test -s "$T/p101.id" && test -s "$T/p11.id" &&
	(cd production-server/main && jvs history --tag stable --format id) >"$T/ids" &&
	cat "$T/p101.id" "$T/p10.id" >"$T/expect" &&
	test_cmp "$T/expect" "$T/ids" &&
	grep "feature A: auth tests" production-server/main/src/handler.go
'

test_expect_success 'Hotfix 1: cd /app; jvs restore --latest-tag stable; restart' '
	# ssh production-server
	cd production-server &&
	cd main &&
	p101=$(cat "$T/p101.id") && p11=$(cat "$T/p11.id") &&
	jvs restore --latest-tag stable >"$T/out" &&
	grep "^Restored main to $p101 (Release v1.0.1)\$" "$T/out" &&
	grep "^DETACHED.*$p101.*$p11" "$T/out" &&
	! grep Saved "$T/out" &&
	same_as "$P" . $p101 &&
	grep "if r == nil" src/handler.go &&
	! grep feature src/handler.go &&
	# systemctl restart myservice
	go_test -run TestNullPointer
'

test_expect_success 'Hotfix 2: jvs worktree fork hotfix-critical; cd ../worktrees/hotfix-critical' '
	cd production-server/main &&
	p101=$(cat "$T/p101.id") &&
	jvs worktree fork hotfix-critical >"$T/out" &&
	grep "^Created worktree hotfix-critical at $p101\$" "$T/out" &&
	cd ../worktrees/hotfix-critical &&
	test "$(pwd -P)" = "$P/worktrees/hotfix-critical" &&
	same_as "$P" . $p101
'

test_expect_success 'Hotfix 3: apply fix, snapshot --tag hotfix --tag stable' '
	cd production-server/worktrees/hotfix-critical &&
	p101=$(cat "$T/p101.id") &&
	# vim src/handler.go
	echo "// hotfix: free the buffer" >>src/handler.go &&
	jvs snapshot "Hotfix: Critical memory leak" --tag hotfix --tag stable >"$T/out" &&
	hot=$(created_id "$T/out") && test -n "$hot" &&
	echo $hot >"$T/hot.id" &&
	test "$(desc "$P" $hot parent_id)" = $p101 &&
	test "$(desc "$P" $hot tags)" = hotfix,stable &&
	same_as "$P" . $hot &&
	jvs history --tag stable --format id >"$T/ids" &&
	cat "$T/hot.id" "$T/p101.id" "$T/p10.id" >"$T/expect" &&
	test_cmp "$T/expect" "$T/ids"
'

test_expect_success 'Hotfix 4: deploy: /app takes the latest stable, the hotfix' '
	cd production-server/main &&
	hot=$(cat "$T/hot.id") &&
	jvs restore --latest-tag stable >"$T/out" &&
	grep "^Restored main to $hot (Hotfix: Critical memory leak)\$" "$T/out" &&
	same_as "$P" . $hot &&
	grep "hotfix: free the buffer" src/handler.go
'

test_expect_success 'both repositories: doctor --strict healthy, verify --all OK' '
	(cd myservice/main && healthy "$R") &&
	(cd production-server && healthy "$P") &&
	test $(wc -l <"$T/verify.actual") = 4
'

test_done
