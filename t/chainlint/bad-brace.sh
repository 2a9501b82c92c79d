test_expect_success 'a semicolon in a group' '
	{ echo a >x; echo b >>x; } && # BAD
	test_line_count = 2 x
'
