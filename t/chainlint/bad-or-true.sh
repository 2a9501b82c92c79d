test_expect_success 'a chain that cannot fail' '
	diff before after >delta || true && # BAD
	grep changed delta
'
