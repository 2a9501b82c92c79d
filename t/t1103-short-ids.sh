#!/bin/sh

test_description='short ids: the 8 random hex digits history prints are a REF everywhere, also after a restore has autosaved (Example 3)'

. "$(dirname "$0")/test-lib.sh"

ID_RE='[0-9]\{13\}-[0-9a-f]\{8\}'
SHORT_RE='[0-9a-f]\{8\}'
# Every snapshot here is taken at this one millisecond (ids then take the
# parent's plus one), so all share their first 8 digits, as snapshots of the
# same 100 seconds do.
NOW=1708300800000
comp=$jvs_root/completions

in_main () { (cd repo/main && JVS_TEST_NOW_MS=$NOW "$@"); }

# short_of NOTE: the short id `jvs history --all` prints on NOTE's line
short_of () {
	(cd repo && jvs history --all) | awk -v n="$1" 'index($0, n) { print $1; exit }'
}

# full_of NOTE: the full id of the newest snapshot with that note
full_of () {
	(cd repo && jvs history --all --format tsv) | awk -F '\t' -v n="$1" '$6 == n { print $1; exit }'
}

test_expect_success 'setup: daily backups within one 100-second window' '
	jvs init repo >/dev/null &&
	for d in 1 2 3; do
		echo "orders up to day $d" >repo/main/orders.csv &&
		in_main jvs snapshot "Daily backup $d" >/dev/null || return 1
	done &&
	in_main jvs history --format id >ids &&
	test_line_count = 3 ids &&
	test "$(cut -c1-8 ids | sort -u)" = 17083008
'

test_expect_success 'history prints each snapshot by its short id, the random part of its id' '
	in_main jvs history >hist &&
	cut -d " " -f 1 hist >shorts &&
	cut -c15- ids >expect &&
	test_cmp expect shorts &&
	test "$(grep -c "^$SHORT_RE\$" shorts)" = 3
'

test_expect_success 'Example 3: jvs restore SHORT; jvs verify SHORT, after the restore autosaved' '
	good=$(short_of "Daily backup 2") && full=$(full_of "Daily backup 2") &&
	test "$good" = "${full#*-}" &&
	echo "half-written orders" >repo/main/orders.csv &&
	in_main jvs restore "$good" >out &&
	grep "^Saved unsnapshotted changes as " out &&
	grep "^Restored main to $full (Daily backup 2)\$" out &&
	echo "orders up to day 2" >expect &&
	test_cmp expect repo/main/orders.csv &&
	# the autosave shares the first 8 digits with every other snapshot ...
	(cd repo && jvs history --all --tag autosave --format id) >auto &&
	test_line_count = 1 auto &&
	test "$(cut -c1-8 auto)" = "$(echo "$full" | cut -c1-8)" &&
	# ... and the short id still names one snapshot
	in_main jvs verify "$good" >out &&
	echo "OK $full" >expect &&
	test_cmp expect out &&
	in_main jvs restore "$good" >out &&
	! grep "^Saved" out &&
	grep "^Restored main to $full " out
'

test_expect_success 'the first 8 digits are ambiguous: the candidates are listed with their notes' '
	test_must_fail --exit=3 in_main jvs verify 17083008 2>err &&
	grep "E_AMBIGUOUS: .17083008. matches 4 snapshots by id prefix" err &&
	grep "$(short_of "Daily backup 2") (Daily backup 2)" err &&
	grep "$(short_of "autosave") (autosave before restore" err &&
	grep "^hint: .*short id" err
'

test_expect_success 'every short id that history, status and worktree list print resolves to its snapshot' '
	(cd repo && jvs history --all) | cut -d " " -f 1 >shorts &&
	(cd repo && jvs history --all --format id) >expect &&
	while read -r s; do
		in_main jvs verify "$s" | sed -n "s/^OK //p" || return 1
	done <shorts >actual &&
	test_cmp expect actual &&
	head=$(in_main jvs status | sed -n "s/^Head: \\($SHORT_RE\\) .*/\\1/p") &&
	test -n "$head" &&
	in_main jvs verify "$head" >out &&
	grep "^OK .*-$head\$" out &&
	wl=$(in_main jvs worktree list | awk "/main/ { print \$3 }") &&
	test "$wl" = "$head" &&
	in_main jvs verify "$wl" >/dev/null
'

test_expect_success 'diff, worktree fork and create, pin add, restore -- PATH take the short id' '
	s1=$(short_of "Daily backup 1") && s3=$(short_of "Daily backup 3") &&
	f1=$(full_of "Daily backup 1") && f3=$(full_of "Daily backup 3") &&
	in_main jvs diff "$s1" "$s3" >out &&
	in_main jvs diff "$f1" "$f3" >expect &&
	test_cmp expect out &&
	grep "orders.csv" out &&
	in_main jvs worktree fork "$s1" day1 >out &&
	grep "^Created worktree day1 at $f1\$" out &&
	echo "orders up to day 1" >expect &&
	test_cmp expect repo/worktrees/day1/orders.csv &&
	in_main jvs worktree create day3 --from "$s3" >/dev/null &&
	echo "orders up to day 3" >expect &&
	test_cmp expect repo/worktrees/day3/orders.csv &&
	in_main jvs pin add "$s1" --reason "month end" >/dev/null &&
	in_main jvs pin list --format tsv | cut -f 2 >pinned &&
	echo "$f1" >expect &&
	test_cmp expect pinned &&
	in_main jvs pin list >out &&
	grep "  $s1  never  *month end\$" out &&
	in_main jvs restore "$s3" -- orders.csv >out &&
	echo "orders up to day 3" >expect &&
	test_cmp expect repo/main/orders.csv &&
	in_main jvs pin remove "$s1" >out &&
	grep "snapshot $f1" out
'

test_expect_success 'a unique prefix of 4 or more digits of the short id works; fewer says so' '
	s=$(short_of "Daily backup 1") && f=$(full_of "Daily backup 1") &&
	(cd repo && jvs history --all) | cut -d " " -f 1 >shorts &&
	n=4 && while test "$(grep -c "^$(echo "$s" | cut -c1-$n)" shorts)" != 1; do
		n=$((n + 1))
	done &&
	in_main jvs verify "$(echo "$s" | cut -c1-$n)" >out &&
	grep "^OK $f\$" out &&
	test_must_fail --exit=3 in_main jvs verify "$(echo "$s" | cut -c1-3)" 2>err &&
	grep "E_NOT_FOUND: .* too short .*at least 4 hex digits" err &&
	grep "^hint: give at least 4 of the 8 hex digits" err
'

test_expect_success 'a short id prefix comes before a note that spells it; a tag before both' '
	s1=$(short_of "Daily backup 1") && f1=$(full_of "Daily backup 1") &&
	p=$(echo "$s1" | cut -c1-6) &&
	echo "notes" >repo/main/readme &&
	in_main jvs snapshot "$p" --tag "$(short_of "Daily backup 3")" >/dev/null &&
	in_main jvs verify "$p" >out &&
	grep "^OK $f1\$" out &&
	# the tag spelling Daily backup 3 short id names the tagged snapshot
	in_main jvs verify "$(short_of "Daily backup 3")" >out &&
	grep "^OK $(full_of "$p")\$" out
'

test_expect_success '--json keeps full ids' '
	s=$(short_of "Daily backup 2") && f=$(full_of "Daily backup 2") &&
	in_main jvs restore "$s" --json >out.json &&
	grep "^  \"snapshot_id\": \"$f\",\$" out.json &&
	in_main jvs history --json | grep "\"snapshot_id\": \"$f\"" &&
	in_main jvs restore HEAD >/dev/null
'

test_expect_success 'history --format short: short id, tab, note' '
	(cd repo && jvs history --all --format short) >out &&
	(cd repo && jvs history --all --format tsv) | awk -F "\t" "{ print substr(\$1, 15) \"\t\" \$6 }" >expect &&
	test_cmp expect out
'

if command -v bash >/dev/null 2>&1; then
	test_set_prereq BASH
fi
if command -v zsh >/dev/null 2>&1; then
	test_set_prereq ZSH
fi

# bcomplete WORDS...: the bash candidates for WORDS (the last is being
# completed), one a line, in ./cands.
bcomplete () {
	bash -c '
		. "$1" && shift &&
		COMP_WORDS=("$@") &&
		COMP_CWORD=$(($# - 1)) &&
		COMP_LINE="$*" &&
		_jvs &&
		printf "%s\n" "${COMPREPLY[@]}"
	' complete "$comp/jvs.bash" "$@" | LC_ALL=C sort >cands
}

test_expect_success BASH 'bash: jvs restore <TAB> offers short ids described by their notes' '
	s2=$(short_of "Daily backup 2") &&
	(cd repo/main && bcomplete jvs restore "" && mv cands ../../cands) &&
	grep -x "$s2  (Daily backup 2)" cands &&
	grep -x HEAD cands &&
	! grep "^$ID_RE" cands &&
	(cd repo/main && bcomplete jvs verify "$(echo "$s2" | cut -c1-6)" && mv cands ../../cands) &&
	echo "$s2" >expect &&
	test_cmp expect cands &&
	(cd repo/main && bcomplete jvs worktree fork --at "" && mv cands ../../cands) &&
	grep -x "$s2  (Daily backup 2)" cands
'

test_expect_success ZSH 'zsh: jvs restore <TAB> offers short ids described by their notes' '
	s2=$(short_of "Daily backup 2") &&
	cat >zc.zsh <<-\EOS &&
	compadd () { :; }
	_describe () { local n; shift 3; for n in "$@"; do print -l -- ${(P)n}; done; }
	_files () { :; }
	words=(jvs restore "")
	CURRENT=3
	PREFIX=
	source "$1/_jvs"
	EOS
	(cd repo/main && zsh -f ../../zc.zsh "$comp") >zcands &&
	grep -x "$s2:Daily backup 2" zcands &&
	grep -x HEAD zcands
'

test_done
