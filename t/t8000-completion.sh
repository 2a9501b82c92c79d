#!/bin/sh

test_description='shell completion: commands, subcommands, options of every program, worktree names, tags and ids'

. "$(dirname "$0")/test-lib.sh"

comp=$jvs_root/completions
if command -v bash >/dev/null 2>&1; then
	test_set_prereq BASH
fi
if command -v zsh >/dev/null 2>&1; then
	test_set_prereq ZSH
fi
if command -v fish >/dev/null 2>&1; then
	test_set_prereq FISH
else
	echo "# fish is not installed: the fish completion tests are skipped" >&2
fi

# bcomplete WORDS...: the bash candidates for the command line WORDS, whose
# last word is the one being completed (give '' for an empty one), sorted,
# one a line, in ./cands.
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

test_expect_success 'setup: a repository with tags and worktrees' '
	jvs init repo >/dev/null &&
	(cd repo/main && echo 1 >f && jvs snapshot one --tag baseline >/dev/null &&
	 echo 2 >f && jvs snapshot two --tag v2 --tag experiment >/dev/null &&
	 jvs worktree fork baseline scratch >/dev/null)
'

test_expect_success BASH 'the generated bash completion is valid and up to date' '
	bash -n "$comp/jvs.bash" &&
	sh "$jvs_root/scripts/gen-completions.sh" "$jvs_root/cmd/command-list.txt" gen &&
	test_cmp "$comp/jvs.bash" gen/jvs.bash &&
	test_cmp "$comp/_jvs" gen/_jvs &&
	test_cmp "$comp/jvs.fish" gen/jvs.fish
'

test_expect_success BASH 'jvs sn<TAB> completes to snapshot' '
	bcomplete jvs sn &&
	echo snapshot >expect &&
	test_cmp expect cands
'

test_expect_success BASH 'jvs <TAB> offers every top-level command and help' '
	bcomplete jvs "" &&
	for w in init snapshot history restore status diff info verify doctor gc pin worktree help; do
		grep -x "$w" cands || return 1
	done
'

test_expect_success BASH 'jvs worktree <TAB> offers the subcommands' '
	bcomplete jvs worktree "" &&
	printf "%s\n" create fork list path remove rename >expect &&
	test_cmp expect cands
'

test_expect_success BASH 'jvs restore <TAB> offers tags, HEAD and short ids with their notes' '
	(cd repo/main && bcomplete jvs restore "" && mv cands ../../cands) &&
	grep -x baseline cands && grep -x v2 cands && grep -x experiment cands &&
	grep -x HEAD cands &&
	jvs -C repo history --all --format short >refs &&
	test_line_count = 2 refs &&
	sed "s/	\(.*\)/  (\1)/" refs | LC_ALL=C sort >expect &&
	comm -23 expect cands >missing &&
	test ! -s missing
'

test_expect_success BASH 'jvs restore ex<TAB> narrows to the matching tag' '
	(cd repo/main && bcomplete jvs restore ex && mv cands ../../cands) &&
	echo experiment >expect &&
	test_cmp expect cands
'

test_expect_success BASH 'jvs -C DIR restore <TAB> asks that repository' '
	bcomplete jvs -C repo restore base &&
	echo baseline >expect &&
	test_cmp expect cands
'

test_expect_success BASH 'jvs restore --latest-tag <TAB> offers tags only' '
	(cd repo/main && bcomplete jvs restore --latest-tag "" && mv cands ../../cands) &&
	printf "%s\n" baseline experiment v2 >expect &&
	test_cmp expect cands
'

test_expect_success BASH 'jvs worktree remove <TAB> offers worktree names' '
	(cd repo/main && bcomplete jvs worktree remove "" && mv cands ../../cands) &&
	printf "%s\n" main scratch >expect &&
	test_cmp expect cands
'

test_expect_success BASH 'jvs -w <TAB> offers worktree names' '
	(cd repo && bcomplete jvs -w "" && mv cands ../cands) &&
	printf "%s\n" main scratch >expect &&
	test_cmp expect cands
'

test_expect_success BASH 'jvs snapshot --<TAB> offers --tag and the common options' '
	bcomplete jvs snapshot -- &&
	grep -x -- --tag cands &&
	grep -x -- --message cands &&
	grep -x -- --json cands &&
	grep -x -- --no-progress cands &&
	! grep -x -- --discard cands
'

test_expect_success BASH 'jvs snapshot --compress <TAB> offers the levels' '
	bcomplete jvs snapshot --compress "" &&
	printf "%s\\n" default fast max none >expect &&
	sort cands >sorted &&
	test_cmp expect sorted
'

test_expect_success BASH 'jvs verify --prog<TAB> offers the --progress values' '
	bcomplete jvs verify --prog &&
	printf "%s\\n" --progress=auto --progress=json --progress=never >expect &&
	test_cmp expect cands
'

test_expect_success BASH 'jvs gc plan --keep-<TAB> offers the policy flags' '
	bcomplete jvs gc plan --keep- &&
	for o in last hourly daily weekly monthly yearly within tag tagged; do
		grep -x -- "--keep-$o" cands || return 1
	done
'

test_expect_success BASH 'every long option in every program usage is completed' '
	jvs_list=$jvs_root/cmd/command-list.txt &&
	for prog in $(cut -f1 "$jvs_list"); do
		words=$(echo "${prog#jvs-}" | tr - " ") &&
		bcomplete jvs $words -- &&
		"$prog" -h | grep -o -- "--[a-z][a-z-]*" | sort -u >want &&
		while read -r o; do
			grep -x -- "$o" cands || grep -q -- "^$o=" cands ||
				{ echo "missing $o for $prog"; return 1; }
		done <want || return 1
	done
'

test_expect_success BASH 'jvs check-ignore <TAB> offers files' '
	mkdir -p files && (cd files && : >train.log && : >train.cfg &&
	bcomplete jvs check-ignore train. && printf "%s\n" train.cfg train.log >expect &&
	test_cmp expect cands &&
	bcomplete jvs check ignore train.l && echo train.log >expect && test_cmp expect cands)
'

test_expect_success BASH 'after --: paths (jvs history -- PATH, jvs diff -- PATH); diff -p' '
	mkdir -p paths && (cd paths && : >alpha.txt && : >beta.txt &&
	bcomplete jvs history -- al && echo alpha.txt >expect && test_cmp expect cands &&
	bcomplete jvs diff HEAD -- --st && test ! -s cands &&
	bcomplete jvs diff -- b && echo beta.txt >expect && test_cmp expect cands) &&
	bcomplete jvs diff - && grep -x -- --patch cands && grep -x -- -p cands
'

test_expect_success BASH 'jvs restore REF -- <TAB> and jvs snapshot -- <TAB> offer files' '
	mkdir -p pfiles && (cd pfiles && : >train.log && : >train.cfg &&
	bcomplete jvs restore baseline -- train. && printf "%s\n" train.cfg train.log >expect &&
	test_cmp expect cands &&
	bcomplete jvs restore --discard v2 -- train.c && echo train.cfg >expect &&
	test_cmp expect cands &&
	bcomplete jvs snapshot note -- train.l && echo train.log >expect && test_cmp expect cands &&
	bcomplete jvs restore train. && ! grep train.cfg cands)
'

test_expect_success BASH 'jvs help wo<TAB> and jvs help worktree <TAB>' '
	bcomplete jvs help wo && echo worktree >expect && test_cmp expect cands &&
	bcomplete jvs help worktree fo && echo fork >expect && test_cmp expect cands
'

test_expect_success BASH 'jvs config <TAB>: subcommands, keys (with saved policies), values' '
	jvs -C repo config set gc.policy.nightly --keep-daily 7 &&
	bcomplete jvs config "" &&
	printf "%s\n" get list set unset >expect &&
	test_cmp expect cands &&
	bcomplete jvs -C repo config get "" &&
	for k in snapshot.engine snapshot.compress audit.actor progress gc.policy.nightly; do
		grep -x "$k" cands || return 1
	done &&
	bcomplete jvs config set snapshot.compress "" &&
	printf "%s\n" default fast max none >expect &&
	test_cmp expect cands &&
	bcomplete jvs config list --o &&
	echo --origin >expect &&
	test_cmp expect cands
'

test_expect_success BASH 'jvs snapshot -F <TAB> offers files; doctor --repair-list' '
	>note.txt &&
	bcomplete jvs snapshot -F note. &&
	echo note.txt >expect &&
	test_cmp expect cands &&
	bcomplete jvs doctor --repair-l &&
	echo --repair-list >expect &&
	test_cmp expect cands
'

# zcomplete LINE: candidates the zsh function offers for LINE (completing at
# its end), with compadd/_describe/_files stubbed to print them, in ./zcands.
zcomplete () {
	cat >zc.zsh <<-\EOS &&
	compadd () {
		local arr=
		while (( $# )); do
			case $1 in
			-a) arr=1; shift ;;
			--) shift; break ;;
			-*) shift ;;
			*) break ;;
			esac
		done
		if [[ -n $arr ]]; then for n in "$@"; do print -l -- ${(P)n}; done
		else print -l -- "$@"; fi
	}
	_describe () { local n; shift 3; for n in "$@"; do print -l -- ${${(P)n}%%:*}; done; }
	_files () { :; }
	words=(${(z)2})
	[[ $2 == *" " ]] && words+=("")
	CURRENT=${#words}
	PREFIX=$words[CURRENT]
	source "$1/_jvs"
	EOS
	zsh -f zc.zsh "$comp" "$1" | LC_ALL=C sort -u >zcands
}

test_expect_success ZSH 'zsh: the completion function loads with compinit' '
	HOME=$PWD zsh -f -c "fpath=($comp \$fpath); autoload -Uz compinit && compinit -u -D && autoload -Uz _jvs && whence -w _jvs"
'

test_expect_success ZSH 'zsh: commands, subcommands, options, tags, worktrees' '
	zcomplete "jvs " && grep -x snapshot zcands && grep -x worktree zcands &&
	zcomplete "jvs worktree " && grep -x fork zcands && grep -x remove zcands &&
	zcomplete "jvs snapshot --" && grep -x -- --tag zcands &&
	zcomplete "jvs -C repo restore " && grep -x baseline zcands && grep -x v2 zcands &&
	grep -x HEAD zcands &&
	zcomplete "jvs -C repo worktree remove " && grep -x scratch zcands &&
	zcomplete "jvs help worktree " && grep -x fork zcands
'

test_expect_success ZSH 'zsh: after -- restore and snapshot complete files' '
	zcomplete "jvs -C repo restore baseline -- " && ! grep -x baseline zcands &&
	zcomplete "jvs snapshot -- " && ! grep -x -- --tag zcands
'

# fcomplete LINE: the fish candidates for LINE (without descriptions),
# sorted, one a line, in ./fcands.
fcomplete () {
	HOME=$PWD XDG_CONFIG_HOME=$PWD/.config fish --no-config -c \
		"source $comp/jvs.fish; complete -C \"$1\"" | cut -f1 | LC_ALL=C sort -u >fcands
}

test_expect_success FISH 'fish: the completion loads and completes commands and subcommands' '
	fish --no-config -n "$comp/jvs.fish" &&
	fcomplete "jvs sn" && echo snapshot >expect && test_cmp expect fcands &&
	fcomplete "jvs worktree " &&
	printf "%s\n" create fork list path remove rename >expect && test_cmp expect fcands &&
	fcomplete "jvs help worktree fo" && echo fork >expect && test_cmp expect fcands
'

test_expect_success FISH 'fish: options of the program and the common ones, option values' '
	fcomplete "jvs snapshot --" &&
	grep -x -- --tag fcands && grep -x -- --message fcands &&
	grep -x -- --json fcands && grep -x -- --no-color fcands &&
	! grep -x -- --discard fcands &&
	fcomplete "jvs doctor --repair " && grep -x clean_tmp fcands &&
	fcomplete "jvs gc plan --format " && printf "%s\n" id json text tsv >expect &&
	test_cmp expect fcands
'

test_expect_success FISH 'fish: tags, refs and worktree names asked of jvs' '
	(cd repo/main && fcomplete "jvs restore --latest-tag " && mv fcands ../../fcands) &&
	printf "%s\n" baseline experiment v2 >expect && test_cmp expect fcands &&
	(cd repo/main && fcomplete "jvs restore " && mv fcands ../../fcands) &&
	grep -x HEAD fcands && grep -x baseline fcands &&
	fcomplete "jvs -C repo worktree remove " && grep -x scratch fcands &&
	fcomplete "jvs -C repo restore base" && echo baseline >expect && test_cmp expect fcands
'

test_expect_success FISH 'fish: every long option in every program usage is completed' '
	for prog in $(cut -f1 "$jvs_root/cmd/command-list.txt"); do
		words=$(echo "${prog#jvs-}" | tr - " ") &&
		fcomplete "jvs $words --" &&
		"$prog" -h | grep -o -- "--[a-z][a-z-]*" | sort -u >want &&
		while read -r o; do
			grep -x -- "$o" fcands || { echo "missing $o for $prog"; return 1; }
		done <want || return 1
	done
'

test_expect_success ZSH 'zsh: jvs config subcommands, keys and values' '
	zcomplete "jvs config " && grep -x unset zcands &&
	zcomplete "jvs -C repo config get " && grep -x audit.actor zcands &&
	grep -x gc.policy.nightly zcands &&
	zcomplete "jvs config set progress " && grep -x never zcands
'

test_done
