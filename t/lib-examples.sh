# Helpers shared by the seed-example tests (t60xx). They expect $R, the
# repository root, $T, the trash directory, and $ID_RE, the snapshot id
# pattern, to be set by the test.

# created_id FILE: the id of a "Created snapshot <id>" line in FILE
created_id () {
	sed -n "s/^Created snapshot \($ID_RE\)\$/\1/p" "$1"
}

# same_as DIR ID: DIR holds exactly snapshot ID's files (content, types,
# modes, mtimes, symlink targets)
same_as () {
	diff -r --no-dereference "$R/.jvs/snapshots/$2" "$1" &&
	(cd "$R/.jvs/snapshots/$2" && find . -mindepth 1 -printf "%p %y %m %T@ %l\n" | LC_ALL=C sort) >"$T/same.expect" &&
	(cd "$1" && find . -mindepth 1 -printf "%p %y %m %T@ %l\n" | LC_ALL=C sort) >"$T/same.actual" &&
	test_cmp "$T/same.expect" "$T/same.actual"
}

# cfg WORKTREE KEY: a field of a worktree's config.json
cfg () {
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
		"$R/.jvs/worktrees/$1/config.json" "$2"
}

# desc ID KEY: a field of a snapshot descriptor (lists as comma-joined)
desc () {
	python3 -c '
import json, sys
v = json.load(open(sys.argv[1]))[sys.argv[2]]
print(",".join(v) if isinstance(v, list) else v)' "$R/.jvs/descriptors/$1.json" "$2"
}
