test_expect_success 'inside a case arm' '
	case $rc in
	0)
		grep ok out # BAD
		grep done out ;;
	*)
		false ;;
	esac
'
