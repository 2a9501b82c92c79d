#!/bin/sh

test_description='EXAMPLES.md Example 6: multi-environment management, commands and relative cds as written'

. "$(dirname "$0")/test-lib.sh"
. "$jvs_root/t/lib-examples.sh"

T=$TRASH_DIRECTORY
R=$T/platform-envs
ID_RE='[0-9]\{13\}-[0-9a-f]\{8\}'

# in_worktree NAME: the shell is in worktree NAME (physically), jvs agrees
in_worktree () {
	test "$(pwd -P)" = "$R/worktrees/$1" &&
	jvs status >"$T/st" &&
	grep "^Worktree: $1\$" "$T/st"
}

# /envs/dev, /envs/staging, /envs/production
for e in dev staging production; do
	mkdir -p envs/$e/config
	echo "ENV=$e" >envs/$e/app.env
	printf "database:\n  host: %s-db\n  pool: 5\n" $e >envs/$e/config/database.yaml
done
echo "debug: true" >envs/dev/config/features.yaml
cat >envs/dev/run_tests.sh <<\EOF
#!/bin/sh
grep -q "host: " config/database.yaml && grep -q "^ENV=" app.env
EOF
chmod 755 envs/dev/run_tests.sh
echo "vault: prod/db" >envs/production/config/secrets.ref

test_expect_success 'Setup: jvs init platform-envs; main holds dev; snapshot --tag dev --tag v1.0' '
	# Single repo, multiple environments
	jvs init platform-envs >"$T/out" &&
	grep "^Initialized JVS repository in $R\$" "$T/out" &&
	# Create development environment
	cd platform-envs/main &&
	cp -r "$T"/envs/dev/* . &&
	jvs snapshot "Development environment v1" --tag dev --tag v1.0 >"$T/out" &&
	dev1=$(created_id "$T/out") && test -n "$dev1" &&
	echo $dev1 >"$T/dev1.id" &&
	test "$(desc $dev1 tags)" = dev,v1.0 &&
	same_as . $dev1 &&
	diff -r "$T/envs/dev" .
'

test_expect_success 'Setup: fork staging; cd ../worktrees/staging; staging files; snapshot' '
	cd platform-envs/main &&
	dev1=$(cat "$T/dev1.id") &&
	# Create staging worktree
	jvs worktree fork staging >"$T/out" &&
	grep "^Created worktree staging at $dev1\$" "$T/out" &&
	cd ../worktrees/staging &&
	in_worktree staging &&
	same_as . $dev1 &&
	cp -r "$T"/envs/staging/* . &&
	jvs snapshot "Staging environment v1" --tag staging --tag v1.0 >"$T/out" &&
	stg1=$(created_id "$T/out") && test -n "$stg1" &&
	echo $stg1 >"$T/stg1.id" &&
	test "$(desc $stg1 parent_id)" = $dev1 &&
	test "$(desc $stg1 worktree_name)" = staging &&
	same_as . $stg1 &&
	echo ENV=staging >"$T/expect" &&
	test_cmp "$T/expect" app.env &&
	grep "host: staging-db" config/database.yaml &&
	test -f config/features.yaml &&
	# main still holds dev
	same_as "$R/main" $dev1
'

test_expect_success 'Setup: from staging, fork production; cd ../worktrees/production (worktrees/worktrees)' '
	cd platform-envs/worktrees/staging &&
	stg1=$(cat "$T/stg1.id") &&
	# Create production worktree
	jvs worktree fork production >"$T/out" &&
	grep "^Created worktree production at $stg1\$" "$T/out" &&
	test "$(readlink "$R/worktrees/worktrees")" = . &&
	cd ../worktrees/production &&
	in_worktree production &&
	case $PWD in */worktrees/worktrees/production) ;; *) false ;; esac &&
	same_as . $stg1 &&
	cp -r "$T"/envs/production/* . &&
	jvs snapshot "Production environment v1" --tag production --tag v1.0 --tag stable >"$T/out" &&
	prod1=$(created_id "$T/out") && test -n "$prod1" &&
	echo $prod1 >"$T/prod1.id" &&
	test "$(desc $prod1 parent_id)" = $stg1 &&
	test "$(desc $prod1 worktree_name)" = production &&
	test "$(desc $prod1 tags)" = production,v1.0,stable &&
	same_as . $prod1 &&
	grep "host: production-db" config/database.yaml &&
	test -f config/secrets.ref &&
	test_path_is_missing "$R/worktrees/staging/config/secrets.ref" &&
	jvs history --tag v1.0 --format id >"$T/ids" &&
	cat "$T/prod1.id" "$T/stg1.id" "$T/dev1.id" >"$T/expect" &&
	test_cmp "$T/expect" "$T/ids"
'

test_expect_success 'the worktrees/worktrees link is not a worktree and holds no snapshot' '
	cd platform-envs &&
	jvs worktree list -q >"$T/names" &&
	LC_ALL=C sort "$T/names" >"$T/actual" &&
	printf "main\nproduction\nstaging\n" >"$T/expect" &&
	test_cmp "$T/expect" "$T/actual" &&
	test_must_fail --exit=2 jvs worktree fork stable worktrees 2>"$T/err" &&
	grep "E_NAME_INVALID" "$T/err" &&
	test "$(readlink "$R/worktrees/worktrees")" = .
'

test_expect_success 'Promotion: cd ../worktrees/staging; jvs restore staging (clean staging)' '
	cd platform-envs/worktrees/production &&
	stg1=$(cat "$T/stg1.id") &&
	# Promote staging to production
	cd ../worktrees/staging &&
	in_worktree staging &&
	echo "stray edit" >>config/database.yaml &&
	jvs restore staging >"$T/out" &&
	grep "^Saved unsnapshotted changes as $ID_RE (tag autosave)\$" "$T/out" &&
	grep "^Restored staging to $stg1 (Staging environment v1)\$" "$T/out" &&
	grep "HEAD state" "$T/out" &&
	same_as . $stg1 &&
	jvs status -q
'

test_expect_success 'Promotion: edit config/database.yaml; snapshot --tag staging; run tests' '
	cd platform-envs/worktrees/staging &&
	stg1=$(cat "$T/stg1.id") &&
	# vim config/database.yaml
	sed -i "s/pool: 5/pool: 20/" config/database.yaml &&
	jvs snapshot "Staging v1.1: Database update" --tag staging >"$T/out" &&
	stg2=$(created_id "$T/out") && test -n "$stg2" &&
	echo $stg2 >"$T/stg2.id" &&
	test "$(desc $stg2 parent_id)" = $stg1 &&
	same_as . $stg2 &&
	# Test in staging
	./run_tests.sh &&
	jvs status -q
'

test_expect_success 'Promotion: cd ../worktrees/production; restore stable; cp -r ../staging/*; snapshot' '
	cd platform-envs/worktrees/staging &&
	prod1=$(cat "$T/prod1.id") && stg2=$(cat "$T/stg2.id") &&
	# Promote to production
	cd ../worktrees/production &&
	in_worktree production &&
	jvs restore stable >"$T/out" &&
	grep "^Restored production to $prod1 (Production environment v1)\$" "$T/out" &&
	grep "HEAD state" "$T/out" &&
	same_as . $prod1 &&
	cp -r ../staging/* . &&
	jvs snapshot "Production v1.1: Database update" --tag production --tag stable >"$T/out" &&
	prod2=$(created_id "$T/out") && test -n "$prod2" &&
	echo $prod2 >"$T/prod2.id" &&
	test "$(desc $prod2 parent_id)" = $prod1 &&
	same_as . $prod2 &&
	test_cmp "$R/.jvs/snapshots/$stg2/config/database.yaml" config/database.yaml &&
	grep "pool: 20" config/database.yaml &&
	test -f config/secrets.ref &&
	jvs history --tag stable --format id >"$T/ids" &&
	printf "%s\n" $prod2 $prod1 >"$T/expect" &&
	test_cmp "$T/expect" "$T/ids"
'

test_expect_success 'Rollback: cd ../worktrees/production; jvs restore --latest-tag stable' '
	cd platform-envs/worktrees/production &&
	prod2=$(cat "$T/prod2.id") &&
	# Production issue detected (an operator hot-edited the live config)
	echo "  timeout: 0" >>config/database.yaml &&
	rm config/secrets.ref &&
	cd ../worktrees/production &&
	in_worktree production &&
	# Rollback to previous stable immediately
	jvs restore --latest-tag stable >"$T/out" &&
	grep "^Saved unsnapshotted changes as $ID_RE (tag autosave)\$" "$T/out" &&
	grep "^Restored production to $prod2 (Production v1.1: Database update)\$" "$T/out" &&
	grep "HEAD state" "$T/out" &&
	same_as . $prod2 &&
	jvs status -q
'

test_expect_success 'Rollback: fork investigation; cd ../worktrees/investigation; restore production' '
	cd platform-envs/worktrees/production &&
	prod2=$(cat "$T/prod2.id") &&
	# Investigate in separate worktree
	jvs worktree fork investigation >"$T/out" &&
	grep "^Created worktree investigation at $prod2\$" "$T/out" &&
	cd ../worktrees/investigation &&
	in_worktree investigation &&
	same_as . $prod2 &&
	jvs restore production >"$T/out" &&
	grep "^Restored investigation to $prod2 (Production v1.1: Database update)\$" "$T/out" &&
	grep "HEAD state" "$T/out" &&
	same_as . $prod2 &&
	# Debug...
	sed -i "s/pool: 20/pool: 10/" config/database.yaml &&
	./run_tests.sh
'

test_expect_success 'Rollback: cd ../production; cp -r ../investigation/*; snapshot hotfix' '
	cd platform-envs/worktrees/worktrees/investigation &&
	prod2=$(cat "$T/prod2.id") &&
	# Fix verified, promote fix
	cd ../production &&
	in_worktree production &&
	cp -r ../investigation/* . &&
	grep "pool: 10" config/database.yaml &&
	jvs snapshot "Production v1.1.1: Hotfix" --tag production --tag stable >"$T/out" &&
	prod3=$(created_id "$T/out") && test -n "$prod3" &&
	echo $prod3 >"$T/prod3.id" &&
	test "$(desc $prod3 parent_id)" = $prod2 &&
	test "$(desc $prod3 worktree_name)" = production &&
	same_as . $prod3 &&
	jvs history --tag stable --format id >"$T/ids" &&
	printf "%s\n" $prod3 $prod2 $(cat "$T/prod1.id") >"$T/expect" &&
	test_cmp "$T/expect" "$T/ids" &&
	jvs history --format id >"$T/ids" &&
	printf "%s\n" $prod3 $prod2 $(cat "$T/prod1.id") $(cat "$T/stg1.id") $(cat "$T/dev1.id") >"$T/expect" &&
	test_cmp "$T/expect" "$T/ids"
'

test_expect_success 'rolling back to the previous stable: its id from history --tag stable' '
	cd platform-envs/worktrees/production &&
	prod2=$(cat "$T/prod2.id") && prod3=$(cat "$T/prod3.id") &&
	prev=$(jvs history --tag stable --format id | sed -n 2p) &&
	test "$prev" = $prod2 &&
	jvs restore "$prev" >"$T/out" &&
	grep "^Restored production to $prod2 " "$T/out" &&
	grep "^DETACHED.*$prod2.*$prod3" "$T/out" &&
	same_as . $prod2 &&
	jvs restore HEAD >"$T/out" &&
	grep "^Restored production to $prod3 " "$T/out" &&
	grep "HEAD state" "$T/out" &&
	same_as . $prod3
'

test_expect_success 'the other environments are untouched; doctor and verify are happy' '
	same_as "$R/main" $(cat "$T/dev1.id") &&
	same_as "$R/worktrees/staging" $(cat "$T/stg2.id") &&
	cd platform-envs/worktrees/worktrees/staging &&
	jvs doctor --strict >"$T/out" &&
	grep "^Repository is healthy\$" "$T/out" &&
	jvs verify --all >"$T/out" &&
	ls "$R/.jvs/descriptors" | sed "s/\.json\$//" | LC_ALL=C sort >"$T/expect" &&
	sed -n "s/^OK \($ID_RE\)\$/\1/p" "$T/out" | LC_ALL=C sort >"$T/actual" &&
	test_cmp "$T/expect" "$T/actual" &&
	test_line_count = 8 "$T/actual" &&
	grep "^OK audit chain\$" "$T/out"
'

test_done
