test_expect_success 'two commands on two lines' '
	echo one >file &&
	echo two >>file # BAD
	test_line_count = 2 file
'
