test_expect_success 'a loop that only reports its last round' '
	for f in a b c
	do
		echo $f >$f &&
		test -s $f
	done && # BAD
	ls
'
