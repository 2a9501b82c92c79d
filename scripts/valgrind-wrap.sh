#!/bin/sh
# valgrind-wrap.sh BIN WRAPDIR: fills WRAPDIR with one script per BIN/jvs-*
# that runs the real program under valgrind (make check-valgrind).  A run
# with any valgrind report exits 99 and leaves the report where the test
# library looks for sanitizer reports (so the test that caused it fails even
# when the command was expected to fail), and in $JVS_VALGRIND_LOGS if set.
# Valgrind's own notes ("--PID--" lines) are dropped; its findings are
# "==PID==" lines.
set -eu
bin=$(cd "$1" && pwd -P)
wrap=$2
# Tools by absolute path: tests run programs with a PATH of their own.
tool() { command -v "$1" || { echo "valgrind-wrap: $1 not found" >&2; exit 1; }; }
VALGRIND=$(tool valgrind) MKTEMP=$(tool mktemp) GREP=$(tool grep) MV=$(tool mv)
CP=$(tool cp) RM=$(tool rm)
rm -rf "$wrap"
mkdir -p "$wrap"
cp "$bin/jvs" "$wrap/jvs"
for p in "$bin"/jvs-*; do
	name=${p##*/}
	cat >"$wrap/$name" <<SCRIPT
#!/bin/sh
san=
case \${ASAN_OPTIONS:-} in *log_path=*) san=\${ASAN_OPTIONS##*log_path=}; san=\${san%%:*} ;; esac
log=\$($MKTEMP "\${TMPDIR:-/tmp}/jvs-valgrind.XXXXXX") || exit 1
# A JVS_FAULT run dies by _exit() at the fault point on purpose (a simulated
# crash): whatever its stack pointed to shows as "definitely lost", so leak
# checking is off for it; memory errors are still reported.
leak=full
[ -z "\${JVS_FAULT:-}" ] || leak=no
$VALGRIND --error-exitcode=99 --leak-check=\$leak --errors-for-leak-kinds=definite -q \\
	--log-file="\$log" "$p" "\$@"
rc=\$?
# "--PID--" lines are valgrind notes, not findings (e.g. it does not know
# openat2, syscall 437: the library then falls back to a component walk).
$GREP -v '^--[0-9]*-- ' "\$log" >"\$log.f"; $MV "\$log.f" "\$log"
if [ -s "\$log" ]; then
	[ -z "\$san" ] || $CP "\$log" "\$san.valgrind.\$\$"
	[ -z "\${JVS_VALGRIND_LOGS:-}" ] || $CP "\$log" "\$JVS_VALGRIND_LOGS/$name.\$\$"
	[ \$rc -ne 0 ] || rc=99
fi
$RM -f "\$log"
exit \$rc
SCRIPT
	chmod +x "$wrap/$name"
done
