#!/bin/sh

test_description='EXAMPLES.md Example 4: CI/CD pipelines (GitHub Actions and Jenkins shell steps)'

. "$(dirname "$0")/test-lib.sh"

T=$TRASH_DIRECTORY
WS=$T/workspace
GH=$WS/ci-workspace
JK=$WS/jenkins-build
ID_RE='[0-9]\{13\}-[0-9a-f]\{8\}'

# same_as REPO DIR ID: DIR holds exactly snapshot ID's files
same_as () {
	diff -r --no-dereference "$1/.jvs/snapshots/$3" "$2" &&
	(cd "$1/.jvs/snapshots/$3" && find . -mindepth 1 -printf "%p %y %m %T@ %l\n" | LC_ALL=C sort) >"$T/same.expect" &&
	(cd "$2" && find . -mindepth 1 -printf "%p %y %m %T@ %l\n" | LC_ALL=C sort) >"$T/same.actual" &&
	test_cmp "$T/same.expect" "$T/same.actual"
}

# desc REPO ID KEY (lists comma-joined)
desc () {
	python3 -c '
import json, sys
v = json.load(open(sys.argv[1]))[sys.argv[2]]
print(",".join(v) if isinstance(v, list) else v)' "$1/.jvs/descriptors/$2.json" "$3"
}

# A CI runner runs each step's script with `sh -e` (GitHub: bash -e;
# Jenkins: sh -xe); /workspace is $WS.  step NAME SCRIPT
step () {
	_name=$1 && shift &&
	sed "s|/workspace|$WS|g" >"$T/step-$_name.sh" <<-EOF &&
	$1
	EOF
	sh -e "$T/step-$_name.sh" >"$T/$_name.out" 2>"$T/$_name.err"
}

# The fake `go` of the runner: `go test ./... -cover` writes a coverage
# file and fails when the sources contain BROKEN.
mkdir fakebin
cat >fakebin/go <<\EOF
#!/bin/sh
test "$1" = test || exit 2
echo "mode: set" >coverage.out
echo "sha $GITHUB_SHA" >>coverage.out
if grep -rq BROKEN src 2>/dev/null; then
	echo "--- FAIL: TestHandler"
	exit 1
fi
echo "ok  example.com/svc  0.01s  coverage: 87.5% of statements"
EOF
chmod 755 fakebin/go
PATH=$T/fakebin:$PATH
mkdir workspace

# github_job SHA: the workflow's steps, as written, with if: success()/failure()
github_job () {
	GITHUB_SHA=$1 && export GITHUB_SHA &&
	step create-$1 '
		cd /workspace
		jvs init ci-workspace || true
		cd ci-workspace/main
		jvs snapshot "Pre-test snapshot"
	' || return 1
	if step test-$1 '
		cd /workspace/ci-workspace/main
		go test ./... -cover
	'
	then
		step success-$1 "
			cd /workspace/ci-workspace/main
			jvs snapshot \"Tests passed - $1\" --tag ci --tag passed
		"
	else
		step failure-$1 "
			cd /workspace/ci-workspace/main
			jvs snapshot \"Tests failed - $1\" --tag ci --tag failed
		"
	fi
}

test_expect_success 'GitHub Actions, first push: init, pre-test snapshot, tests pass' '
	github_job aaa111 &&
	grep "^Initialized JVS repository in $GH\$" "$T/create-aaa111.out" &&
	grep "^Created snapshot $ID_RE\$" "$T/create-aaa111.out" &&
	grep "coverage: 87.5%" "$T/test-aaa111.out" &&
	test_path_is_missing "$T/failure-aaa111.out" &&
	sed -n "s/^Created snapshot //p" "$T/success-aaa111.out" >"$T/pass1.id" &&
	pass1=$(cat "$T/pass1.id") &&
	test "$(desc "$GH" $pass1 tags)" = ci,passed &&
	test "$(desc "$GH" $pass1 note)" = "Tests passed - aaa111" &&
	grep "^sha aaa111\$" "$GH/.jvs/snapshots/$pass1/coverage.out"
'

test_expect_success 'GitHub Actions, second push: init || true goes on past E_EXISTS; tests fail' '
	# the push brings a broken handler
	mkdir -p "$GH/main/src" &&
	echo "package svc // BROKEN" >"$GH/main/src/handler.go" &&
	github_job bbb222 &&
	grep "^jvs-init: E_EXISTS: .*already exists" "$T/create-bbb222.err" &&
	! grep Initialized "$T/create-bbb222.out" &&
	grep "^Created snapshot $ID_RE\$" "$T/create-bbb222.out" &&
	grep "FAIL: TestHandler" "$T/test-bbb222.out" &&
	test_path_is_missing "$T/success-bbb222.out" &&
	sed -n "s/^Created snapshot //p" "$T/failure-bbb222.out" >"$T/fail2.id" &&
	fail2=$(cat "$T/fail2.id") &&
	test "$(desc "$GH" $fail2 tags)" = ci,failed &&
	test "$(desc "$GH" $fail2 note)" = "Tests failed - bbb222" &&
	pre2=$(sed -n "s/^Created snapshot //p" "$T/create-bbb222.out") &&
	test "$(desc "$GH" $fail2 parent_id)" = $pre2 &&
	test "$(desc "$GH" $pre2 parent_id)" = "$(cat "$T/pass1.id")" &&
	test -f "$GH/.jvs/snapshots/$pre2/src/handler.go" &&
	grep "^sha aaa111\$" "$GH/.jvs/snapshots/$pre2/coverage.out" &&
	grep "^sha bbb222\$" "$GH/.jvs/snapshots/$fail2/coverage.out"
'

test_expect_success 'jvs init ci-workspace without || true fails with E_EXISTS, exit 1' '
	cd workspace &&
	test_must_fail --exit=1 jvs init ci-workspace 2>"$T/err" &&
	grep "E_EXISTS" "$T/err" &&
	grep "already exists" "$T/err"
'

test_expect_success 'GitHub Actions, third push: fixed, tests pass again' '
	echo "package svc // fixed" >"$GH/main/src/handler.go" &&
	github_job ccc333 &&
	grep E_EXISTS "$T/create-ccc333.err" &&
	sed -n "s/^Created snapshot //p" "$T/success-ccc333.out" >"$T/pass3.id" &&
	test -s "$T/pass3.id"
'

test_expect_success 'Audit trail: history --tag ci, --tag passed, --tag failed' '
	cd workspace/ci-workspace/main &&
	pass1=$(cat "$T/pass1.id") && fail2=$(cat "$T/fail2.id") && pass3=$(cat "$T/pass3.id") &&
	jvs history --tag ci >"$T/hist" &&
	test_line_count = 3 "$T/hist" &&
	cut -d" " -f1 "$T/hist" >"$T/ids" &&
	printf "%s\n" ${pass3#*-} ${fail2#*-} ${pass1#*-} >"$T/expect" &&
	test_cmp "$T/expect" "$T/ids" &&
	grep "^${pass3#*-} .*Tests passed - ccc333  tags: ci, passed  \[HEAD\]\$" "$T/hist" &&
	grep "^${fail2#*-} .*Tests failed - bbb222  tags: ci, failed\$" "$T/hist" &&
	grep "^${pass1#*-} .*Tests passed - aaa111  tags: ci, passed\$" "$T/hist" &&
	jvs history --tag passed --format id >"$T/ids" &&
	printf "%s\n" $pass3 $pass1 >"$T/expect" &&
	test_cmp "$T/expect" "$T/ids" &&
	jvs history --tag failed --format id >"$T/ids" &&
	echo $fail2 >"$T/expect" &&
	test_cmp "$T/expect" "$T/ids" &&
	jvs history --grep "Pre-test" --format id >"$T/ids" &&
	test_line_count = 3 "$T/ids" &&
	jvs history --format id >"$T/ids" &&
	test_line_count = 6 "$T/ids"
'

test_expect_success 'Debug failed builds: restore the failed snapshot, then go back' '
	cd workspace/ci-workspace/main &&
	fail2=$(cat "$T/fail2.id") && pass3=$(cat "$T/pass3.id") &&
	jvs restore failed >"$T/out" &&
	grep "^Restored main to $fail2 (Tests failed - bbb222)\$" "$T/out" &&
	grep "^DETACHED" "$T/out" &&
	same_as "$GH" . $fail2 &&
	grep BROKEN src/handler.go &&
	test_must_fail go test ./... &&
	jvs restore --discard HEAD >"$T/out" &&
	grep "^Restored main to $pass3 " "$T/out" &&
	grep "HEAD state" "$T/out" &&
	same_as "$GH" . $pass3
'

# Jenkins: the sh steps of the pipeline.  Groovy does not interpolate
# '''...''', so ${env.BUILD_NUMBER} of the Setup stage would reach sh as a
# bad substitution; the shell spelling $BUILD_NUMBER is used there.
jenkins_build () {
	BUILD_NUMBER=$1 && export BUILD_NUMBER &&
	step setup-$1 '
		cd /workspace
		jvs init jenkins-build || true
		cd jenkins-build/main
		jvs snapshot "Pre-build: $BUILD_NUMBER"
	' || return 1
	# checkout scm: the sources of this build
	cp -R "$T/scm-$1/." "$JK/main/" &&
	if step build-$1 'cd /workspace/jenkins-build/main && make build' &&
	   step test-$1 'cd /workspace/jenkins-build/main && make test' &&
	   step package-$1 'cd /workspace/jenkins-build/main && make package'
	then
		step post-$1 '
			cd /workspace/jenkins-build/main
			jvs snapshot "Build ${BUILD_NUMBER} passed" --tag jenkins --tag passed
		'
	else
		step post-$1 '
			cd /workspace/jenkins-build/main
			jvs snapshot "Build ${BUILD_NUMBER} failed" --tag jenkins --tag failed
		'
	fi
}

test_expect_success 'Jenkins: build 1 passes, build 2 fails in test' '
	mkdir scm-1 &&
	printf "build:\n\tmkdir -p out && cat app.src >out/app\ntest:\n\t! grep -q BROKEN out/app\npackage:\n\tmkdir -p dist && tar -cf dist/app.tar out\n" >scm-1/Makefile &&
	echo "app v1" >scm-1/app.src &&
	cp -R scm-1 scm-2 &&
	echo "app v2 BROKEN" >scm-2/app.src &&
	jenkins_build 1 &&
	grep "^Initialized JVS repository in $JK\$" "$T/setup-1.out" &&
	grep "^Created snapshot $ID_RE\$" "$T/setup-1.out" &&
	sed -n "s/^Created snapshot //p" "$T/post-1.out" >"$T/b1.id" &&
	b1=$(cat "$T/b1.id") &&
	test "$(desc "$JK" $b1 note)" = "Build 1 passed" &&
	test "$(desc "$JK" $b1 tags)" = jenkins,passed &&
	test -f "$JK/.jvs/snapshots/$b1/dist/app.tar" &&
	jenkins_build 2 &&
	grep "E_EXISTS" "$T/setup-2.err" &&
	test_path_is_missing "$T/package-2.out" &&
	sed -n "s/^Created snapshot //p" "$T/post-2.out" >"$T/b2.id" &&
	b2=$(cat "$T/b2.id") &&
	test "$(desc "$JK" $b2 note)" = "Build 2 failed" &&
	test "$(desc "$JK" $b2 tags)" = jenkins,failed &&
	grep BROKEN "$JK/.jvs/snapshots/$b2/out/app" &&
	pre2=$(sed -n "s/^Created snapshot //p" "$T/setup-2.out") &&
	test "$(desc "$JK" $pre2 note)" = "Pre-build: 2" &&
	(cd workspace/jenkins-build/main && jvs history --tag jenkins --format id) >"$T/ids" &&
	printf "%s\n" $b2 $b1 >"$T/expect" &&
	test_cmp "$T/expect" "$T/ids"
'

test_expect_success 'both workspaces: doctor --strict healthy, verify --all OK' '
	for repo in "$GH" "$JK"; do
		(cd "$repo" && jvs doctor --strict) >"$T/out" &&
		grep "^Repository is healthy\$" "$T/out" &&
		(cd "$repo" && jvs verify --all) >"$T/out" &&
		ls "$repo/.jvs/descriptors" | sed "s/\.json\$//" | LC_ALL=C sort >"$T/expect" &&
		sed -n "s/^OK \($ID_RE\)\$/\1/p" "$T/out" | LC_ALL=C sort >"$T/actual" &&
		test_cmp "$T/expect" "$T/actual" &&
		grep "^OK audit chain\$" "$T/out" || return 1
	done
'

test_done
