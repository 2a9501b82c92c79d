#!/bin/sh

test_description='reflink-copy engine on a real XFS (reflink=1) loop image: snapshot, restore and fork share extents'

. "$(dirname "$0")/test-lib.sh"

COW_FS=xfs
COW_MKFS="mkfs.xfs -q -m reflink=1"
COW_ENGINE=reflink-copy
COW_FALLBACK=reflink-copy
. "$jvs_root/t/lib-cow-fs.sh"

test_done
