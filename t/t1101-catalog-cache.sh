#!/bin/sh

test_description='catalogue cache in .jvs/index.sqlite: used when valid, never trusted blindly'

. "$(dirname "$0")/test-lib.sh"

hist () {
	(cd repo/main && jvs-history "$@")
}

test_expect_success 'setup: three snapshots, history fills the cache' '
	jvs-init repo >/dev/null &&
	for n in one two three
	do
		echo "$n" >repo/main/f &&
		(cd repo/main && jvs-snapshot -q "$n" --tag "t-$n") >>ids ||
		return 1
	done &&
	sleep 1 &&
	hist --all --format tsv >first &&
	test_line_count = 3 first &&
	test -f repo/.jvs/index.sqlite
'

test_expect_success 'a cached catalogue gives the same answers as the files' '
	hist --all --format tsv >cached &&
	JVS_NO_CACHE=1 hist --all --format tsv >uncached &&
	test_cmp uncached cached &&
	hist --tag t-two --format id >out &&
	sed -n 2p ids >expect &&
	test_cmp expect out
'

# History trusts the cached descriptors while descriptors/ and snapshots/
# are unchanged (t1102); an in-place edit leaves them alone, so it is
# verify (and doctor) that must catch it: they check every descriptor's own
# key, and then history drops the snapshot too. History never shows the
# edited text.
test_expect_success 'a descriptor edited in place (same size, same mtime) is caught' '
	id=$(sed -n 2p ids) &&
	d=repo/.jvs/descriptors/$id.json &&
	touch -r "$d" stamp &&
	python3 -c "
import sys
p = sys.argv[1]
s = open(p).read()
assert \"\\\"two\\\"\" in s
open(p, \"r+\").write(s.replace(\"\\\"two\\\"\", \"\\\"tw0\\\"\"))
" "$d" &&
	touch -r stamp "$d" &&
	hist --all --format tsv >out &&
	! grep "	tw0" out &&
	JVS_NO_CACHE=1 test_must_fail --exit=4 hist --all --format tsv >out 2>err &&
	grep "E_DESCRIPTOR_CORRUPT.*$id" err &&
	! grep "	tw0" out &&
	! grep "	two" out &&
	test_line_count = 2 out &&
	test_must_fail --exit=4 jvs-verify -C repo --all >out &&
	grep "^FAIL $id E_DESCRIPTOR_CORRUPT" out &&
	test_must_fail --exit=4 hist --all --format tsv >out &&
	! grep "	tw0" out &&
	! grep "	two" out &&
	test_line_count = 2 out
'

test_expect_success 'a corrupt index is rebuilt silently' '
	id=$(sed -n 2p ids) &&
	python3 -c "
import sys
p = sys.argv[1]
s = open(p).read()
open(p, \"w\").write(s.replace(\"\\\"tw0\\\"\", \"\\\"two\\\"\"))
" repo/.jvs/descriptors/$id.json &&
	echo garbage >repo/.jvs/index.sqlite &&
	hist --all --format tsv >out 2>err &&
	test_cmp first out &&
	test ! -s err
'

test_expect_success 'a snapshot whose files disappear leaves the cached catalogue' '
	sleep 1 &&
	hist --all --format tsv >/dev/null &&
	id=$(sed -n 1p ids) &&
	mv repo/.jvs/snapshots/$id.READY ready.saved &&
	hist --all --format id >out &&
	test_line_count = 2 out &&
	! grep "$id" out &&
	mv ready.saved repo/.jvs/snapshots/$id.READY &&
	hist --all --format tsv >out &&
	test_cmp first out
'

test_done
