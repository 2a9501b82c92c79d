#!/bin/sh

test_description='fidelity: extended attributes, owners, sparse files and the payload root mode survive snapshot, restore and fork; .jvs is no more readable than the worktree; what the file system refuses is reported as degraded'

. "$(dirname "$0")/test-lib.sh"

in_main () {
	(cd repo/main && "$@")
}

# changes: only the A/M/D lines of status or diff output
changes () {
	grep "^[AMD]	" "$@"
}

# xattrs PATH: every captured xattr of PATH (not followed), sorted
xattrs () {
	getfattr -h -d -m - -e text "$1" 2>/dev/null | grep -v "^#" | grep . | sort
}

last_id () {
	in_main jvs-history | awk 'NR == 1 { print $1 }'
}

if command -v setfattr >/dev/null 2>&1 && command -v getfattr >/dev/null 2>&1; then
	test_set_prereq ATTR
fi
touch xattr-probe
if test_have_prereq ATTR && setfattr -n user.probe -v 1 xattr-probe 2>/dev/null; then
	test_set_prereq USER_XATTR
fi
if test_have_prereq USER_XATTR && command -v setfacl >/dev/null 2>&1 &&
	setfacl -m u:65534:r xattr-probe 2>/dev/null; then
	test_set_prereq ACL
fi
[ "$(id -u)" = 0 ] && test_set_prereq ROOT
if test_have_prereq ROOT && command -v setpriv >/dev/null 2>&1; then
	test_set_prereq SETPRIV
fi
mkdir small-probe
if test_have_prereq ROOT && mount -t tmpfs -o size=64m tmpfs small-probe 2>/dev/null; then
	umount small-probe
	test_set_prereq MOUNT
fi

# ---- extended attributes -------------------------------------------------

test_expect_success USER_XATTR 'snapshot records the xattrs of files, directories and symlinks in the manifest' '
	jvs-init repo >/dev/null &&
	echo data >repo/main/f &&
	mkdir repo/main/d &&
	echo plain >repo/main/d/plain &&
	ln -s f repo/main/l &&
	setfattr -n user.color -v blue repo/main/f &&
	setfattr -n "user.odd,name=x" -v 1 repo/main/f &&
	setfattr -n user.dir -v yes repo/main/d &&
	if test_have_prereq ROOT; then
		setfattr -h -n trusted.link -v t repo/main/l
	fi &&
	in_main jvs-snapshot -q "with xattrs" >id1 &&
	id1=$(cat id1) &&
	m=repo/.jvs/manifests/$id1 &&
	grep "^file	f	0644	5	[0-9a-f]*	xattr:user.color=626c7565,user.odd%2Cname%3Dx=31\$" $m &&
	grep "^dir	d	0755	-	-	xattr:user.dir=796573\$" $m &&
	grep "^file	d/plain	0644	6	[0-9a-f]*\$" $m &&
	if test_have_prereq ROOT; then
		grep "^symlink	l	-	-	[0-9a-f]*	xattr:trusted.link=74\$" $m
	fi &&
	grep "\"degraded\": \[\]" repo/.jvs/descriptors/$id1.json &&
	in_main jvs-verify $id1 &&
	in_main jvs-status >out &&
	grep "^Clean" out
'

test_expect_success USER_XATTR 'an xattr-only change is a change: status, diff, the next snapshot' '
	id1=$(cat id1) &&
	setfattr -n user.color -v red repo/main/f &&
	in_main jvs-status >out &&
	printf "M\tf\n" >expect &&
	changes out >actual &&
	test_cmp expect actual &&
	test_must_fail --exit=1 in_main jvs-status -q &&
	setfattr -n user.new -v 1 repo/main/d &&
	setfattr -x user.dir repo/main/d &&
	in_main jvs-diff $id1 >out &&
	printf "M\td\nM\tf\n" >expect &&
	changes out >actual &&
	test_cmp expect actual &&
	in_main jvs-snapshot -q "xattrs changed" >id2 &&
	id2=$(cat id2) &&
	grep "^file	f	.*xattr:user.color=726564," repo/.jvs/manifests/$id2 &&
	grep "^dir	d	0755	-	-	xattr:user.new=31\$" repo/.jvs/manifests/$id2 &&
	in_main jvs-diff $id1 $id2 >out &&
	changes out >actual &&
	test_cmp expect actual &&
	in_main jvs-status >out &&
	grep "^Clean" out
'

test_expect_success USER_XATTR 'restore brings back exactly the recorded xattrs, also on directories' '
	id1=$(cat id1) &&
	setfattr -n user.extra -v x repo/main/d/plain &&
	in_main jvs-restore --discard $id1 >out 2>err &&
	! grep degraded err &&
	xattrs repo/main/f >actual &&
	printf "%s\n" "user.color=\"blue\"" "user.odd,name\\075x=\"1\"" >expect &&
	test_cmp expect actual &&
	xattrs repo/main/d >actual &&
	echo "user.dir=\"yes\"" >expect &&
	test_cmp expect actual &&
	xattrs repo/main/d/plain >actual &&
	test_must_fail test -s actual &&
	in_main jvs-status >out &&
	grep "^Clean" out
'

test_expect_success USER_XATTR 'fork writes the xattrs into the new worktree' '
	id1=$(cat id1) &&
	in_main jvs-worktree-fork $id1 xa >out 2>err &&
	! grep degraded err &&
	xattrs repo/worktrees/xa/f >actual &&
	printf "%s\n" "user.color=\"blue\"" "user.odd,name\\075x=\"1\"" >expect &&
	test_cmp expect actual &&
	xattrs repo/worktrees/xa/d >actual &&
	echo "user.dir=\"yes\"" >expect &&
	test_cmp expect actual &&
	if test_have_prereq ROOT; then
		xattrs repo/worktrees/xa/l >actual &&
		echo "trusted.link=\"t\"" >expect &&
		test_cmp expect actual
	fi &&
	(cd repo/worktrees/xa && jvs-status) >out &&
	grep "^Clean" out
'

test_expect_success USER_XATTR,ROOT 'symlink xattrs: a change counts, restore puts it back, the target is untouched' '
	setfattr -h -n trusted.link -v changed repo/main/l &&
	in_main jvs-status >out &&
	printf "M\tl\n" >expect &&
	changes out >actual &&
	test_cmp expect actual &&
	in_main jvs-restore --discard $(cat id1) >/dev/null &&
	xattrs repo/main/l >actual &&
	echo "trusted.link=\"t\"" >expect &&
	test_cmp expect actual &&
	xattrs repo/main/f >actual &&
	! grep trusted actual
'

test_expect_success USER_XATTR 'xattrs of the payload root: kept on the snapshot root, a change counts, restore and fork apply them' '
	setfattr -n user.root -v 1 repo/main &&
	in_main jvs-status >out &&
	printf "M\t.\n" >expect &&
	changes out >actual &&
	test_cmp expect actual &&
	in_main jvs-snapshot -q "root xattr" >rid &&
	rid=$(cat rid) &&
	grep "\"degraded\": \[\]" repo/.jvs/descriptors/$rid.json &&
	in_main jvs-worktree-fork $rid rootx >/dev/null &&
	xattrs repo/worktrees/rootx >actual &&
	echo "user.root=\"1\"" >expect &&
	test_cmp expect actual &&
	in_main jvs-diff $(cat id1) $rid >out &&
	changes out >actual &&
	grep "^M	.\$" actual &&
	in_main jvs-restore --discard $(cat id1) >/dev/null &&
	xattrs repo/main >actual &&
	test_must_fail test -s actual &&
	in_main jvs-restore $rid >/dev/null &&
	xattrs repo/main >actual &&
	test_cmp expect actual &&
	setfattr -x user.root repo/main &&
	in_main jvs-snapshot -q "root xattr gone" >/dev/null
'

test_expect_success ACL 'POSIX ACLs (access and default) are recorded, count as changes and come back' '
	jvs-init acl >/dev/null &&
	echo a >acl/main/a &&
	mkdir acl/main/d &&
	setfacl -m u:65534:rw acl/main/a &&
	setfacl -d -m g:65534:rx acl/main/d &&
	(cd acl/main && jvs-snapshot -q acls) >aid &&
	aid=$(cat aid) &&
	grep "^file	a	0664	2	[0-9a-f]*	xattr:system.posix_acl_access=" acl/.jvs/manifests/$aid &&
	grep "^dir	d	0755	-	-	xattr:system.posix_acl_default=" acl/.jvs/manifests/$aid &&
	getfacl -c acl/main/a acl/main/d >expect &&
	setfacl -b acl/main/a &&
	setfacl -k acl/main/d &&
	(cd acl/main && jvs-status) >out &&
	printf "M\ta\nM\td\n" >want &&
	changes out >actual &&
	test_cmp want actual &&
	(cd acl/main && jvs-restore --discard $aid) >/dev/null &&
	getfacl -c acl/main/a acl/main/d >actual &&
	test_cmp expect actual &&
	(cd acl/main && jvs-worktree-fork $aid fk) >/dev/null &&
	(cd acl/worktrees/fk && getfacl -c a d) >actual &&
	test_cmp expect actual
'

# Before the manifest had the xattr field, snapshot copied user.* onto its
# own files (and restore and fork dropped them). Such a snapshot is made
# here by hand: the manifest without the field, the attribute on the file.
test_expect_success USER_XATTR 'snapshots made before the xattr field: their files'"'"' xattrs count' '
	jvs-init old >/dev/null &&
	echo o >old/main/o &&
	echo p >old/main/p &&
	(cd old/main && jvs-snapshot -q old) >oid &&
	oid=$(cat oid) &&
	! grep xattr: old/.jvs/manifests/$oid &&
	setfattr -n user.legacy -v 1 old/.jvs/snapshots/$oid/o &&
	setfattr -n user.legacy -v 1 old/main/o &&
	(cd old/main && jvs-status) >out &&
	grep "^Clean" out &&
	(cd old/main && jvs-worktree-fork $oid fk) >/dev/null &&
	xattrs old/worktrees/fk/o >actual &&
	echo "user.legacy=\"1\"" >expect &&
	test_cmp expect actual &&
	(cd old/main && jvs-restore --discard $oid) >/dev/null &&
	xattrs old/main/o >actual &&
	test_cmp expect actual &&
	(cd old/main && jvs-snapshot -q new) >nid &&
	nid=$(cat nid) &&
	grep "^file	o	0644	2	[0-9a-f]*	xattr:user.legacy=31\$" old/.jvs/manifests/$nid &&
	xattrs old/.jvs/snapshots/$nid/o >actual &&
	test_must_fail test -s actual &&
	test "$(stat -c %i old/.jvs/snapshots/$nid/p)" = "$(stat -c %i old/.jvs/snapshots/$oid/p)"
'

# A file system that refuses some xattrs: as an unprivileged user, trusted.*
# cannot be set (EPERM). Only those are listed as degraded, user.* are kept.
test_expect_success USER_XATTR,SETPRIV 'degraded lists only the xattrs the file system refused' '
	shared=$(mktemp -d /tmp/jvs-t9007-shared.XXXXXX) &&
	test_when_finished "rm -rf \"$shared\"" &&
	chmod 755 "$shared" &&
	jvs-init "$shared/r" >/dev/null &&
	echo u >"$shared/r/main/u" &&
	echo t >"$shared/r/main/t" &&
	setfattr -n user.ok -v 1 "$shared/r/main/u" &&
	setfattr -n trusted.root -v 1 "$shared/r/main/t" &&
	(cd "$shared/r/main" && jvs-snapshot -q base) >/dev/null &&
	chown -R 65534:65534 "$shared/r" &&
	(cd "$shared/r/main" &&
	 setpriv --reuid=65534 --regid=65534 --clear-groups jvs-worktree-fork fk) >out 2>err &&
	grep "^degraded: xattrs not restored (Operation not permitted): t\$" err &&
	test_line_count = 1 err &&
	xattrs "$shared/r/worktrees/fk/u" >actual &&
	echo "user.ok=\"1\"" >expect &&
	test_cmp expect actual &&
	xattrs "$shared/r/worktrees/fk/t" >actual &&
	test_must_fail test -s actual
'

# ---- owners --------------------------------------------------------------

test_expect_success ROOT 'an owner-only or group-only change is a change; snapshot records it; restore puts it back' '
	in_main jvs-restore --discard HEAD >/dev/null &&
	in_main jvs-snapshot -q "owners" >id3 &&
	id3=$(cat id3) &&
	chown 65534 repo/main/d/plain &&
	in_main jvs-status >out &&
	printf "M\td/plain\n" >expect &&
	changes out >actual &&
	test_cmp expect actual &&
	chown 0:65534 repo/main/d/plain &&
	chgrp 65534 repo/main/d &&
	in_main jvs-status >out &&
	printf "M\td\nM\td/plain\n" >expect &&
	changes out >actual &&
	test_cmp expect actual &&
	in_main jvs-snapshot -q "group changed" >id4 &&
	id4=$(cat id4) &&
	test "$(stat -c %g repo/.jvs/snapshots/$id4/d/plain)" = 65534 &&
	test "$(stat -c %g repo/.jvs/snapshots/$id3/d/plain)" = 0 &&
	in_main jvs-diff $id3 $id4 >out &&
	changes out >actual &&
	test_cmp expect actual &&
	in_main jvs-restore $id3 >/dev/null &&
	test "$(stat -c %u:%g repo/main/d/plain)" = 0:0 &&
	test "$(stat -c %g repo/main/d)" = 0 &&
	in_main jvs-status >out &&
	grep "^Clean" out
'

# ---- sparse files --------------------------------------------------------

test_expect_success 'a 2 GiB sparse file stays sparse through snapshot, restore and fork' '
	jvs-init sp >/dev/null &&
	truncate -s 2G sp/main/big &&
	printf "middle" | dd of=sp/main/big bs=1 seek=1000000000 conv=notrunc 2>/dev/null &&
	echo tail >>sp/main/big &&
	want=$(b2sum -l 256 sp/main/big | cut -d" " -f1) &&
	(cd sp/main && jvs-snapshot -q sparse) >sid &&
	sid=$(cat sid) &&
	test $(du -k sp/.jvs/snapshots/$sid/big | cut -f1) -lt 1024 &&
	grep "^file	big	0644	2147483653	$want\$" sp/.jvs/manifests/$sid &&
	rm sp/main/big &&
	(cd sp/main && jvs-restore --discard $sid) >/dev/null &&
	test $(du -k sp/main/big | cut -f1) -lt 1024 &&
	test "$(b2sum -l 256 sp/main/big | cut -d" " -f1)" = "$want" &&
	(cd sp/main && jvs-worktree-fork $sid fk) >/dev/null &&
	test $(du -k sp/worktrees/fk/big | cut -f1) -lt 1024 &&
	test $(stat -c %s sp/worktrees/fk/big) = 2147483653 &&
	(cd sp/main && jvs-verify $sid) &&
	test $(du -sk sp | cut -f1) -lt 4096
'

test_expect_success MOUNT 'a 1 GiB sparse file snapshots, restores and forks on a 64 MiB file system' '
	mkdir small &&
	mount -t tmpfs -o size=64m tmpfs small &&
	test_when_finished "umount \"$TRASH_DIRECTORY/small\"" &&
	jvs-init small/r >/dev/null &&
	truncate -s 1G small/r/main/huge &&
	echo end >>small/r/main/huge &&
	(cd small/r/main && jvs-snapshot -q "on a small fs") >hid &&
	hid=$(cat hid) &&
	rm small/r/main/huge &&
	(cd small/r/main && jvs-restore --discard $hid) >/dev/null &&
	(cd small/r/main && jvs-worktree-fork $hid fk) >/dev/null &&
	test $(stat -c %s small/r/worktrees/fk/huge) = 1073741828 &&
	test $(du -sk small | cut -f1) -lt 8192 &&
	(cd small/r/main && jvs-verify $hid)
'

# ---- the payload root and .jvs permissions --------------------------------

test_expect_success 'the payload root mode is part of the snapshot: status, fork, restore' '
	jvs-init pm >/dev/null &&
	echo secret >pm/main/s &&
	(cd pm/main && jvs-snapshot -q open) >open_id &&
	chmod 700 pm/main &&
	(cd pm/main && jvs-status) >out &&
	printf "M\t.\n" >expect &&
	changes out >actual &&
	test_cmp expect actual &&
	(cd pm/main && jvs-snapshot -q closed) >closed_id &&
	open_id=$(cat open_id) closed_id=$(cat closed_id) &&
	(cd pm/main && jvs-worktree-fork $closed_id priv) >/dev/null &&
	test "$(stat -c %a pm/worktrees/priv)" = 700 &&
	(cd pm/main && jvs-worktree-fork $open_id pub) >/dev/null &&
	test "$(stat -c %a pm/worktrees/pub)" = 755 &&
	(cd pm/main && jvs-restore $open_id) >/dev/null &&
	test "$(stat -c %a pm/main)" = 755 &&
	(cd pm/main && jvs-restore HEAD) >/dev/null &&
	test "$(stat -c %a pm/main)" = 700
'

test_expect_success SETPRIV 'a read-only payload root (0555) forks, restores and renames as an unprivileged user' '
	ro=$(mktemp -d /tmp/jvs-t9007-ro.XXXXXX) &&
	test_when_finished "rm -rf \"$ro\"" &&
	chmod 755 "$ro" &&
	jvs-init "$ro/r" >/dev/null &&
	echo a >"$ro/r/main/a" &&
	chmod 555 "$ro/r/main" &&
	(cd "$ro/r/main" && jvs-snapshot -q ro) >/dev/null &&
	chown -R 65534:65534 "$ro/r" &&
	as_nobody () { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; } &&
	(cd "$ro/r/main" && as_nobody jvs-worktree-fork k) >/dev/null &&
	test "$(stat -c %a "$ro/r/worktrees/k")" = 555 &&
	chmod u+w "$ro/r/worktrees/k" &&
	echo x >"$ro/r/worktrees/k/new" &&
	chown 65534 "$ro/r/worktrees/k/new" &&
	chmod 555 "$ro/r/worktrees/k" &&
	(cd "$ro/r/worktrees/k" && as_nobody jvs-restore --discard HEAD) >/dev/null &&
	test_path_is_missing "$ro/r/worktrees/k/new" &&
	test "$(stat -c %a "$ro/r/worktrees/k")" = 555 &&
	(cd "$ro/r/main" && as_nobody jvs-worktree-rename k k2) >/dev/null &&
	test "$(stat -c %a "$ro/r/worktrees/k2")" = 555
'

test_expect_success 'manifests, descriptors and READY of a closed worktree are not world-readable' '
	open_id=$(cat open_id) closed_id=$(cat closed_id) &&
	for f in manifests/$closed_id descriptors/$closed_id.json snapshots/$closed_id.READY; do
		test "$(stat -c %a pm/.jvs/$f)" = 600 || return 1
	done &&
	test "$(stat -c %a pm/.jvs/snapshots/$closed_id)" = 700 &&
	for f in manifests/$open_id descriptors/$open_id.json snapshots/$open_id.READY; do
		test "$(stat -c %a pm/.jvs/$f)" = 644 || return 1
	done &&
	chmod 750 pm/main &&
	(cd pm/main && jvs-snapshot -q group) >group_id &&
	test "$(stat -c %a pm/.jvs/manifests/$(cat group_id))" = 640 &&
	(umask 077 && cd pm/worktrees/pub && echo x >x && jvs-snapshot -q masked) >masked_id &&
	test "$(stat -c %a pm/.jvs/manifests/$(cat masked_id))" = 600 &&
	(cd pm/main && jvs-verify --all)
'

test_done
