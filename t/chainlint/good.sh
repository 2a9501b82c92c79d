# Every construct the tests here use that keeps the status of the body.
test_description='a good sample'

helper () {
	echo not a test body
	echo so not linted
}

test_expect_success 'setup' '
	cat >file <<-\EOF &&
	a line that does not end in and-and
	another
	EOF
	x=$(cat file |
		wc -l) &&
	test "$x" = 2 &&
	echo a \
		b >out &&
	# a comment line
	{ sleep 1 & } &&
	pid=$! &&
	kill $pid &&
	_rc=0 && { wait $pid || _rc=$?; } && test $_rc = 143 &&
	grep a file |
	sort >sorted
'

for point in one two
do
	test_expect_success "loops: $point" '
		for f in a b; do
			echo $f >$f &&
			test -s $f || return 1
		done &&
		while read line
		do
			case $line in
			a*) echo yes ;;
			*)
				echo no &&
				echo really no
				;;
			esac || return 1
		done <file &&
		for i in 1 2; do test -n $i || { echo "bad $i"; cat file; return 1; }; done &&
		n=0 &&
		while [ $n -lt 3 ]; do n=$((n + 1)); done &&
		while ! test -f file; do sleep 0.1; done &&
		for i in 1 2; do test -f $i || echo "$i missing" >>missing; done &&
		test ! -e missing &&
		while [ $n -lt 6 ]
		do
			echo $n >f$n || return 1
			n=$((n + 1))
		done &&
		test '$point' = "$point"
	'
done

test_expect_success PREREQ 'status captured, failure handlers, if' '
	test_when_finished "rm -f x; rm -f y" &&
	(cd . && JVS_FAULT=x false; test $? = 1) &&
	jvs-doctor >out 2>&1;
	rc=$? &&
	test $rc = 127 &&
	if test -f file
	then
		echo there
	elif test -d file
	then
		echo dir
	else
		echo none
	fi &&
	test -f file || {
		echo "file is missing"
		return 1
	} &&
	test_must_fail false &&
	! test -f nothing &&
	(
		cd / &&
		pwd
	) >where
'

test_expect_failure 'a known breakage' '
	false
'
