test_expect_success 'a block that is not chained' '
	for i in 1 2
	do
		echo $i || return 1
	done # BAD
	test_line_count = 2 x
'
