test_expect_success 'inside a subshell' '
	(
		cd repo &&
		jvs snapshot -q one # BAD
		jvs snapshot -q two
	) &&
	jvs history
'
