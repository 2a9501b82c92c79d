test_expect_success 'a dangling && before ;;' '
	case $rc in
	1) echo one &&
	   ;; # BAD
	esac
'
