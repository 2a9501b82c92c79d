#!/bin/sh
# demo.sh: a short tour of jvs in a throw-away directory.  Every command is
# echoed before it runs; the first failure stops the demo (exit 1).

root=$(cd "$(dirname "$0")/.." && pwd -P) || exit 1
bin=${JVS_BIN:-$root/bin}
PATH=$bin:$PATH
export PATH

if [ ! -x "$bin/jvs" ]; then
	echo "demo.sh: $bin/jvs is missing; run make first" >&2
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/jvs-demo.XXXXXX") || exit 1
trap 'cd / && rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM HUP

# show ARGS: print a command line, quoting words that need it.
show () {
	line=+
	for a in "$@"; do
		case $a in
		'' | *[!A-Za-z0-9_./=:@+-]*) a="'$a'" ;;
		esac
		line="$line $a"
	done
	printf '%s\n' "$line"
}

run () {
	show "$@"
	"$@" || {
		rc=$?
		echo "demo.sh: '$*' failed (exit $rc)" >&2
		exit 1
	}
}

have () {
	[ -x "$bin/$1" ]
}

cd "$tmp" || exit 1
run jvs init demo
printf '+ cd demo/main\n'
cd demo/main || exit 1

printf '+ echo "hello" >notes.txt; mkdir data; seq 1 1000 >data/numbers.csv\n'
echo "hello" >notes.txt && mkdir data && seq 1 1000 >data/numbers.csv || exit 1
run jvs snapshot "first" --tag v1

printf '+ echo "hello again" >notes.txt\n'
echo "hello again" >notes.txt || exit 1
run jvs snapshot "second" --tag v2
run jvs history

if have jvs-restore; then
	run jvs restore v1
	run cat notes.txt
	run jvs restore HEAD
	run cat notes.txt
fi
if have jvs-worktree-fork; then
	run jvs worktree fork exp
fi
run jvs info
if have jvs-verify; then
	run jvs verify --all
fi
if have jvs-doctor; then
	run jvs doctor --strict
fi
echo "demo finished"
