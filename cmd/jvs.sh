#!/bin/sh
# jvs: dispatch `jvs CMD [SUB...] ARGS` to the program jvs-CMD[-SUB...].
#
# The longest hyphenated program name that exists wins (up to three words).
# Programs are looked up in the directory holding this script, then in PATH.
# Leading -C DIR / -w NAME options are handed on to the program.

JVS_VERSION='@VERSION@'

command_list () {
	cat <<'JVS_COMMAND_LIST_EOF'
@COMMANDS@
JVS_COMMAND_LIST_EOF
}

me=jvs

# The directory holding this script, symlinks resolved.
self=$0
case $self in
*/*) ;;
*) self=$(command -v -- "$self" 2>/dev/null) || self=$0 ;;
esac
# Every jvs command starts here: no program is run for what the shell can
# do itself (readlink only when the script is reached by a symlink).
if [ -h "$self" ] && resolved=$(readlink -f -- "$self" 2>/dev/null) && [ -n "$resolved" ]; then
	self=$resolved
fi
case $self in
*/*) selfdir=${self%/*} ;;
*) selfdir=. ;;
esac
selfdir=$(cd -- "${selfdir:-/}" 2>/dev/null && pwd -P) || selfdir=

# Unbuilt (cmd/jvs.sh run from the source tree): read the sibling list.
commands () {
	case $JVS_VERSION in
	@*)
		if [ -r "$selfdir/command-list.txt" ]; then
			cat "$selfdir/command-list.txt"
			return
		fi
		;;
	esac
	command_list
}

# The name people type: "jvs-worktree-fork" -> "worktree fork" where the
# first word is a group of several commands, "jvs-check-ignore" ->
# "check-ignore" where it is not. Prints NAME<TAB>KIND<TAB>SUMMARY lines.
named_commands () {
	commands | awk -F '\t' '
		/^jvs-/ { n = substr($1, 5); k[++c] = n; kind[c] = $2; sum[c] = $3
			split(n, w, "-"); members[w[1]]++ }
		END { for (i = 1; i <= c; i++) { n = k[i]; split(n, w, "-")
			if (members[w[1]] > 1) sub("-", " ", n)
			printf "%s\t%s\t%s\n", n, kind[i], sum[i] } }'
}

display_names () {
	named_commands | cut -f1
}

usage () {
	cat <<EOF
usage: jvs [-C DIR] [-w NAME] <command> [<args>]
       jvs --version
       jvs help <command>

EOF
	named_commands | awk -F '\t' '
		{
			n = $1
			if ($2 == "plumbing") { pl[++np] = n; ps[np] = $3 }
			else { po[++npo] = n; pos[npo] = $3 }
		}
		END {
			if (npo) {
				print "Commands:"
				for (i = 1; i <= npo; i++) printf "   %-18s %s\n", po[i], pos[i]
			}
			if (np) {
				if (npo) print ""
				print "Commands for scripts (plumbing):"
				for (i = 1; i <= np; i++) printf "   %-18s %s\n", pl[i], ps[i]
			}
		}'
	cat <<EOF

Every command takes -h/--help, --version, -C DIR, -w NAME and -q.
'jvs help <command>' opens the manual of a command.
EOF
}

# overview: `jvs` alone -- the commands most used, by task, like git.
overview () {
	cat <<EOF
usage: jvs [-C DIR] [-w NAME] <command> [<args>]

Start a repository
   init               create a repository with its main worktree (then: cd DIR/main)

Record and look back
   snapshot           record the current worktree as a new snapshot
   history            list the snapshots, newest first (--all: every worktree)
   status             show the position and what changed since the last snapshot
   diff               compare two snapshots, or a snapshot with the worktree

Go back, branch off
   restore            put the worktree back to a snapshot (HEAD: to the latest)
   worktree fork      a new worktree from a snapshot, to work on it side by side
   worktree list      the worktrees with their head and state

Keep the repository healthy
   verify             check snapshots against their checksums
   doctor             check the whole repository, repair leftovers
   gc plan, gc run    delete old snapshots by a reviewed plan; pin add keeps one

'jvs --help' lists every command; 'jvs help <command>' opens its manual;
'jvs help workflows' shows worked examples. See also jvs(1).
EOF
}

# esc STRING: STRING in the text form of jvs(1) ESCAPING (as libjvs/textesc.c),
# so that nothing typed reaches the terminal as a control sequence: '\\',
# \n, \t, \r; \xHH for the other bytes below 0x20 and 0x7f, for bytes that
# are not valid UTF-8 and for the C1, line-separator and bidi controls.
esc () {
	printf '%s' "$1" | LC_ALL=C od -An -v -tu1 | LC_ALL=C awk '
		{ for (i = 1; i <= NF; i++) b[n++] = $i + 0 }
		function hex(k) { printf "\\x%02x", b[k] }
		END {
			for (i = 0; i < n; ) {
				c = b[i]
				if (c == 92) { printf "\\\\"; i++; continue }
				if (c == 10) { printf "\\n"; i++; continue }
				if (c == 9) { printf "\\t"; i++; continue }
				if (c == 13) { printf "\\r"; i++; continue }
				if (c < 32 || c == 127) { hex(i); i++; continue }
				if (c < 128) { printf "%c", c; i++; continue }
				len = 0; lo = 128; hi = 191
				if (c >= 194 && c <= 223) len = 2
				else if (c >= 224 && c <= 239) len = 3
				else if (c >= 240 && c <= 244) len = 4
				if (c == 224) lo = 160; if (c == 237) hi = 159
				if (c == 240) lo = 144; if (c == 244) hi = 143
				ok = len > 0 && i + len <= n && b[i + 1] >= lo && b[i + 1] <= hi
				for (k = 2; ok && k < len; k++) ok = b[i + k] >= 128 && b[i + k] <= 191
				if (!ok) { hex(i); i++; continue }
				d1 = b[i + 1]; d2 = b[i + 2]
				hid = (len == 2 && c == 194 && d1 <= 159) ||
				      (len == 3 && c == 226 && d1 == 128 && (d2 == 142 || d2 == 143 || (d2 >= 168 && d2 <= 174))) ||
				      (len == 3 && c == 226 && d1 == 129 && d2 >= 166 && d2 <= 169)
				for (k = 0; k < len; k++) if (hid) hex(i + k); else printf "%c", b[i + k]
				i += len
			}
		}'
}

# die CLASS EXIT MESSAGE [HINT]: the error form of every jvs program (SPEC §12).
die () {
	printf '%s: %s: %s\n' "$me" "$1" "$3" >&2
	[ -z "${4:-}" ] || printf 'hint: %s\n' "$4" >&2
	exit "$2"
}

# find_prog NAME: set fp to the path of program NAME, or fail.
find_prog () {
	if [ -n "$selfdir" ] && [ -f "$selfdir/$1" ] && [ -x "$selfdir/$1" ]; then
		fp=$selfdir/$1
		return 0
	fi
	fp=$(command -v -- "$1" 2>/dev/null) || return 1
	case $fp in
	/*) return 0 ;;
	*) return 1 ;;
	esac
}

# is_word W: W may be part of a command name (jvs check-ignore = jvs check ignore).
is_word () {
	case $1 in
	'' | -* | *[!a-z0-9-]*) return 1 ;;
	esac
	return 0
}

# listed_prefix NAME: the longest listed command that NAME starts with.
listed_prefix () {
	commands | awk -F '\t' -v n="$1-" '
		index(n, $1 "-") == 1 && length($1) > length(best) { best = $1 }
		END { if (best != "") print best }'
}

# subcommands GROUP: the commands below GROUP, one per line ("gc plan").
subcommands () {
	display_names | awk -v g="$1 " 'index($0, g) == 1'
}

# suggest "W1 [W2]": print "did you mean" on stderr.
suggest () {
	display_names | awk -v typed="$1" '
		function min3(a, b, c) { return a < b ? (a < c ? a : c) : (b < c ? b : c) }
		function dist(s, t,    i, j, m, n, d, cost) {
			m = length(s); n = length(t)
			for (i = 0; i <= m; i++) d[i, 0] = i
			for (j = 0; j <= n; j++) d[0, j] = j
			for (i = 1; i <= m; i++)
				for (j = 1; j <= n; j++) {
					cost = substr(s, i, 1) != substr(t, j, 1)
					d[i, j] = min3(d[i-1, j] + 1, d[i, j-1] + 1, d[i-1, j-1] + cost)
				}
			return d[m, n]
		}
		BEGIN { nt = split(typed, t, " ") }
		{
			# One word typed: compare with the first words ("gc");
			# "GROUP WORD" typed: compare WORD with the group members.
			nw = split($0, w, " ")
			if (nt == 1) { cand = w[1]; s = t[1]; c = w[1] }
			else if (nw >= 2 && w[1] == t[1]) { cand = w[1] " " w[2]; s = t[2]; c = w[2] }
			else next
			if (cand in score) next
			d = dist(s, c)
			if (length(s) >= 2 && index(c, s) == 1 && d > 0.5) d = 0.5
			score[cand] = d
			typedlen = length(s)
		}
		END {
			best = 1e9
			for (c in score) if (score[c] < best) best = score[c]
			lim = typedlen / 3; if (lim < 2) lim = 2
			if (best > lim) exit
			n = 0
			for (c in score) if (score[c] == best) hit[++n] = c
			for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
				if (hit[j] < hit[i]) { x = hit[i]; hit[i] = hit[j]; hit[j] = x }
			if (n == 1) printf "did you mean '\''jvs %s'\''?\n", hit[1]
			else {
				printf "the most similar commands are:"
				for (i = 1; i <= n; i++) printf "%s jvs %s", (i > 1 ? "," : ""), hit[i]
				printf "\n"
			}
		}'
}

# resolve WORDS...: set prog (path or empty), used (words consumed),
# name (jvs-W1-..-Wn over the command-like words) and words ("W1 .. Wn").
resolve () {
	name=jvs
	words=
	prog=
	used=0
	rn=0
	for w in "$@"; do
		is_word "$w" || break
		rn=$((rn + 1))
		[ $rn -le 3 ] || break
		name=$name-$w
		words="$words${words:+ }$w"
		if find_prog "$name"; then
			prog=$fp
			used=$rn
		fi
	done
}

# unknown FIRSTARG: report that no program matched and exit.
unknown () {
	typed=${words:-$1}
	first=${typed%% *}
	subs=$(subcommands "$first")
	if [ -n "$subs" ]; then
		rest=${typed#"$first"}
		rest=${rest# }
		rest=${rest%% *}
		if [ -z "$rest" ]; then
			die E_USAGE 2 "'$first' needs a subcommand" \
				"one of: $(printf '%s\n' "$subs" | awk '{ printf "%sjvs %s", (NR > 1 ? ", " : ""), $0 }')"
		fi
		typed="$first $rest"
	else
		typed=$first
	fi
	listed=$(listed_prefix "$name")
	if [ -n "$listed" ]; then
		die E_IO 1 "'$listed' is not installed (looked in $(esc "${selfdir:-?}") and PATH)" \
			"reinstall jvs, or put $listed in PATH"
	fi
	hint=$(suggest "$typed")
	die E_USAGE 2 "'$(esc "$typed")' is not a jvs command" "${hint:-see 'jvs --help'}"
}

# group_help GROUP: `jvs help worktree`, `jvs worktree --help`: the
# subcommands of GROUP with what they do.
group_help () {
	printf 'usage: jvs %s <subcommand> [<args>]\n\n' "$1"
	commands | awk -F '\t' -v g="jvs-$1-" '
		index($1, g) == 1 {
			n = substr($1, 5); gsub("-", " ", n)
			printf "   %-20s %s\n", n, $3
		}'
	printf "\n'jvs help %s <subcommand>' opens its manual.\n" "$1"
}

show_help () {
	resolve "$@"
	page=$(listed_prefix "$name")
	if [ -z "$page" ] && [ -n "$prog" ]; then
		page=${prog##*/}
	fi
	if [ -z "$page" ] && [ $# -eq 1 ] && [ -n "$(subcommands "$1")" ]; then
		group_help "$1"
		exit 0
	fi
	[ -n "$page" ] || unknown "$1"
	if command -v man >/dev/null 2>&1; then
		if [ -n "$selfdir" ] && [ -r "$selfdir/../man/$page.1" ] &&
			! man -w "$page" >/dev/null 2>&1; then
			exec man -l "$selfdir/../man/$page.1"
		fi
		if man -w "$page" >/dev/null 2>&1; then
			exec man "$page"
		fi
	fi
	if find_prog "$page"; then
		exec "$fp" --help
	fi
	die E_IO 1 "no manual and no program for '$page'" "install the man pages, or see 'jvs --help'"
}

# ---- main ----------------------------------------------------------------

# Global options before the command, handed on to the program.
pre_n=0
while [ $# -gt 0 ]; do
	case $1 in
	-h | --help)
		usage
		exit 0
		;;
	--version)
		printf 'jvs %s\n' "$JVS_VERSION"
		exit 0
		;;
	-C | -w)
		if [ $# -lt 2 ]; then
			die E_USAGE 2 "option '$1' needs an argument" "see 'jvs --help'"
		fi
		eval "pre_$((pre_n + 1))=\$1; pre_$((pre_n + 2))=\$2"
		pre_n=$((pre_n + 2))
		shift 2
		;;
	-C?* | -w?*)
		eval "pre_$((pre_n + 1))=\$1"
		pre_n=$((pre_n + 1))
		shift
		;;
	--)
		shift
		break
		;;
	-*)
		die E_USAGE 2 "unknown option '$(esc "$1")'" \
			"options of a command go after it (jvs COMMAND --help); see 'jvs --help'"
		;;
	*)
		break
		;;
	esac
done

if [ $# -eq 0 ]; then
	overview
	exit 0
fi

if [ "$1" = help ]; then
	shift
	if [ $# -eq 0 ]; then
		usage
		exit 0
	fi
	# Guides: jvs help workflows, jvs help format.
	case $1 in
	workflows | format)
		if [ "$1" = workflows ]; then guide=jvs-workflows sec=7; else guide=jvs-format sec=5; fi
		if command -v man >/dev/null 2>&1; then
			if [ -n "$selfdir" ] && [ -r "$selfdir/../man/$guide.$sec" ] &&
				! man -w "$sec" "$guide" >/dev/null 2>&1; then
				exec man -l "$selfdir/../man/$guide.$sec"
			fi
			exec man "$sec" "$guide"
		fi
		die E_IO 1 "no man program to show $guide($sec)" "install man-db, or read man/$guide.$sec"
		;;
	esac
	show_help "$@"
fi

resolve "$@"
if [ -z "$prog" ] && [ $# -eq 2 ] && { [ "$2" = --help ] || [ "$2" = -h ]; } &&
	[ -n "$(subcommands "$1")" ]; then
	group_help "$1"
	exit 0
fi
[ -n "$prog" ] || unknown "$1"
shift "$used"

# Global options first, then the rest.
i=$pre_n
while [ "$i" -ge 1 ]; do
	eval "set -- \"\$pre_$i\" \"\$@\""
	i=$((i - 1))
done

exec "$prog" "$@"
