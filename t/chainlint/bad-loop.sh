test_expect_success 'inside a loop' '
	for f in a b c
	do
		echo $f >$f # BAD
		test -s $f || return 1
	done
'
