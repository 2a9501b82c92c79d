test_expect_failure "known breakage, double-quoted" "
	echo \"a b\" >x # BAD
	grep a x
"
