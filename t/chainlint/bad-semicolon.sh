test_expect_success 'the status of wait is dropped' '
	{ sleep 30 & } &&
	pid=$! &&
	kill $pid && wait $pid; # BAD
	jvs doctor >out
'
