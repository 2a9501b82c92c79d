#!/bin/sh

test_description='scripts/check-layers.py: upward calls, cycles between modules and upward includes fail; the rest passes'

. "$(dirname "$0")/test-lib.sh"

check="$jvs_root/scripts/check-layers.py"

# A small library in the layer folders: src FILE TEXT writes lib/libjvs/FILE.
src () {
	mkdir -p "lib/libjvs/$(dirname "$1")" &&
	printf '%s\n' "$2" >"lib/libjvs/$1"
}

# Compiles every lib/libjvs/LAYER/X.c into lib/objs/LAYER/X.o and runs the
# checker over them; its stdout in out, stderr in err.
run_check () {
	rm -rf lib/objs &&
	for c in lib/libjvs/*/*.c
	do
		rel=${c#lib/libjvs/} &&
		mkdir -p "lib/objs/$(dirname "$rel")" &&
		cc -c -Ilib/include -Ilib/libjvs -Ilib/libjvs/util -Ilib/libjvs/store \
			-Ilib/libjvs/engine -Ilib/libjvs/ops -o "lib/objs/${rel%.c}.o" "$c" ||
		return 1
	done &&
	python3 "$check" --src lib/libjvs --include lib/include --objs lib/objs >out 2>err
}

test_expect_success 'a library that keeps its layers passes' '
	mkdir -p lib/include/jvs &&
	printf "%s\n" "#include <stdint.h>" "typedef int64_t jvs_t;" >lib/include/jvs/types.h &&
	src util/a.h "int a(void);" &&
	src util/a.c "#include \"a.h\"
#include \"jvs/types.h\"
int a(void) { return 1; }" &&
	src store/b.h "int b(void);" &&
	src store/b.c "#include \"a.h\"
#include \"b.h\"
int b(void) { return a(); }" &&
	src store/b_more.c "int b(void); int b_more(void) { return b(); }" &&
	run_check &&
	grep "no upward call, no cycle between modules, no upward include" out &&
	grep "^check-layers: 3 files (util 1, store 2, engine 0, ops 0)" out &&
	test ! -s err
'

test_expect_success 'files of one module may call each other in a cycle' '
	src store/b.c "#include \"a.h\"
#include \"b.h\"
int b_more(void);
int b(void) { return a() + b_more(); }" &&
	run_check &&
	test ! -s err
'

test_expect_success 'a call into a higher layer fails, naming both files and the symbol' '
	src util/up.c "int b(void); int up(void) { return b(); }" &&
	test_must_fail run_check &&
	grep "^call: util/up.c (util) calls store/b.c (store): b$" err &&
	grep "1 finding" err &&
	rm lib/libjvs/util/up.c
'

test_expect_success 'a cycle between two modules of one layer fails, with the path' '
	src store/c.c "int d(void); int c(void) { return d(); }" &&
	src store/d.c "int c(void); int d(void) { return c() + 1; }" &&
	test_must_fail run_check &&
	grep "^cycle: between the modules store/c store/d" err &&
	grep "store/c.c -> store/d.c (d)" err &&
	grep "store/d.c -> store/c.c (c)" err &&
	rm lib/libjvs/store/c.c lib/libjvs/store/d.c &&
	run_check
'

test_expect_success 'an include of a higher layer'"'"'s header fails' '
	src util/a.c "#include \"a.h\"
#include \"b.h\"
int a(void) { return 1; }" &&
	test_must_fail run_check &&
	grep "^include: util/a.c:2 (util) includes \"b.h\" = store/b.h (store: its folder)" err
'

test_expect_success 'a public header may be included from any layer; what it declares is still called by the rules' '
	printf "%s\n" "int b(void);" >lib/include/jvs/b.h &&
	printf "%s\n" "#include \"jvs/types.h\"" "#include \"jvs/b.h\"" >lib/include/jvs/jvs.h &&
	src util/a.c "#include \"a.h\"
#include \"jvs/jvs.h\"
int a(void) { return 1; }" &&
	run_check &&
	src util/a.c "#include \"a.h\"
#include \"jvs/jvs.h\"
int a(void) { return b(); }" &&
	test_must_fail run_check &&
	grep "^call: util/a.c (util) calls store/b.c (store): b$" err &&
	src util/a.c "#include \"a.h\"
int a(void) { return 1; }" &&
	run_check
'

test_expect_success 'a public header that includes a private one fails' '
	printf "%s\n" "#include \"a.h\"" >lib/include/jvs/leak.h &&
	test_must_fail run_check &&
	grep "include: include/jvs/leak.h:1, a public header, includes the private \"a.h\" = util/a.h" err &&
	rm lib/include/jvs/leak.h &&
	run_check
'

test_expect_success 'a source file outside the layer folders fails' '
	src stray.c "int stray(void) { return 0; }" &&
	test_must_fail run_check &&
	grep "^layer: stray.c is in no layer folder" err &&
	rm lib/libjvs/stray.c
'

# The real library: a copy of its sources with one upward include added
# fails, against the objects of the build that runs this test.
objs=$jvs_root/build/libjvs
case $JVS_BIN in */bin-asan) objs=$jvs_root/build-asan/libjvs ;; esac
test -f "$objs/util/error.o" && test_set_prereq OBJS

test_expect_success OBJS 'the libjvs tree passes, and fails with an upward include added' '
	python3 "$check" --src "$jvs_root/libjvs" --include "$jvs_root/include" --objs "$objs" &&
	cp -R "$jvs_root/libjvs" copy &&
	sed "1i #include \"restore_int.h\"" "$jvs_root/libjvs/util/error.c" >copy/util/error.c &&
	test_must_fail python3 "$check" --src copy --include "$jvs_root/include" --objs "$objs" \
		>out 2>err &&
	grep "^include: util/error.c:1 (util) includes \"restore_int.h\" = ops/restore_int.h (ops: its folder)" err
'

test_done
