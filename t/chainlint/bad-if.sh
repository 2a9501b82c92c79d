test_expect_success PREREQ 'inside an if' '
	if test -f x
	then
		rm x # BAD
		test ! -f x
	else
		echo none
	fi
'
