#include "jvs/error.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local jvs_error last;
/* errno that the last error already explains precisely (jvs_error_stick) */
static _Thread_local int sticky_errno;

static const struct {
	const char *name;
	int exit_code;
} classes[JVS_E__COUNT] = {
	[JVS_OK] = {"OK", 0},
	[JVS_E_IO] = {"E_IO", 1},
	[JVS_E_EXISTS] = {"E_EXISTS", 1},
	[JVS_E_NO_WORKTREE] = {"E_NO_WORKTREE", 1},
	[JVS_E_NOT_A_REPO] = {"E_NOT_A_REPO", 1},
	[JVS_E_UNSUPPORTED_FILE] = {"E_UNSUPPORTED_FILE", 1},
	[JVS_E_INTERNAL] = {"E_INTERNAL", 1},
	[JVS_E_USAGE] = {"E_USAGE", 2},
	[JVS_E_NAME_INVALID] = {"E_NAME_INVALID", 2},
	[JVS_E_PATH_ESCAPE] = {"E_PATH_ESCAPE", 2},
	[JVS_E_NOT_FOUND] = {"E_NOT_FOUND", 3},
	[JVS_E_AMBIGUOUS] = {"E_AMBIGUOUS", 3},
	[JVS_E_DESCRIPTOR_CORRUPT] = {"E_DESCRIPTOR_CORRUPT", 4},
	[JVS_E_PAYLOAD_HASH_MISMATCH] = {"E_PAYLOAD_HASH_MISMATCH", 4},
	[JVS_E_LINEAGE_BROKEN] = {"E_LINEAGE_BROKEN", 4},
	[JVS_E_PARTIAL_SNAPSHOT] = {"E_PARTIAL_SNAPSHOT", 4},
	[JVS_E_AUDIT_CHAIN_BROKEN] = {"E_AUDIT_CHAIN_BROKEN", 4},
	[JVS_E_FORMAT_UNSUPPORTED] = {"E_FORMAT_UNSUPPORTED", 4},
	[JVS_E_LOCKED] = {"E_LOCKED", 5},
	[JVS_E_GC_PLAN_MISMATCH] = {"E_GC_PLAN_MISMATCH", 5},
	[JVS_E_DIRTY] = {"E_DIRTY", 5},
	[JVS_E_HOOK] = {"E_HOOK", 5},
};

/* A message longer than its slot keeps its head and its tail (where the
 * errno text and the end of a long path are) with "..." between; no UTF-8
 * sequence is cut. */
static size_t put(char *dst, size_t at, const char *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[at + i] = src[i];
	return at + n;
}

static void fit(char *dst, size_t cap, const char *src, const char *suffix)
{
	size_t n = strlen(src), sn = strlen(suffix), keep, head, tail;
	size_t at = 0;
	if (n + sn < cap) {
		at = put(dst, put(dst, 0, src, n), suffix, sn);
		dst[at] = '\0';
		return;
	}
	if (sn + 3 >= cap) { /* cannot happen with the slots here; be safe */
		snprintf(dst, cap, "%s", suffix);
		return;
	}
	keep = cap - 1 - sn - 3;
	head = keep / 3;
	while (head > 0 && ((unsigned char)src[head] & 0xc0) == 0x80)
		head--;
	tail = n - (keep - head);
	while (tail < n && ((unsigned char)src[tail] & 0xc0) == 0x80)
		tail++;
	at = put(dst, at, src, head);
	at = put(dst, at, "...", 3);
	at = put(dst, at, src + tail, n - tail);
	at = put(dst, at, suffix, sn);
	dst[at] = '\0';
}

/* The arguments may point into the last error itself (wrapping its message
 * in more context is common), so each is formatted aside, then copied. */
static void set_message(const char *fmt, va_list ap, const char *suffix)
{
	char big[(size_t)4 * PATH_MAX + sizeof last.message];
	vsnprintf(big, sizeof big, fmt, ap);
	fit(last.message, sizeof last.message, big, suffix);
}

int jvs_error_set(jvs_error_class cls, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set_message(fmt, ap, "");
	va_end(ap);
	sticky_errno = 0;
	last.cls = cls;
	last.hint[0] = '\0';
	return -1;
}

/* The first 'quoted' name in the message, into out; 0 if there is none. */
static int quoted_name(const char *msg, char *out, size_t cap)
{
	const char *a = strchr(msg, '\''), *b = a ? strchr(a + 1, '\'') : NULL;
	char name[sizeof last.message];
	if (!b || b == a + 1)
		return 0;
	snprintf(name, sizeof name, "%.*s", (int)(b - a - 1), a + 1);
	fit(out, cap, name, "");
	return 1;
}

int jvs_error_sys(const char *fmt, ...)
{
	int saved = errno;
	char suffix[160], name[200];
	va_list ap;
	if (sticky_errno && saved == sticky_errno) {
		sticky_errno = 0; /* keep the precise error set for this errno */
		return -1;
	}
	snprintf(suffix, sizeof suffix, ": %s", strerror(saved));
	va_start(ap, fmt);
	set_message(fmt, ap, suffix);
	va_end(ap);
	last.cls = JVS_E_IO;
	last.hint[0] = '\0';
	if (saved == ENOSPC)
		snprintf(last.hint, sizeof last.hint, "free some space on the file system and retry");
	else if (saved == EPERM && quoted_name(last.message, name, sizeof name))
		snprintf(last.hint, sizeof last.hint,
			 "'%s' may be immutable or append-only (lsattr shows it, chattr -i -a "
			 "clears it), or check the permissions of the repository",
			 name);
	else if (saved == EPERM)
		snprintf(last.hint, sizeof last.hint,
			 "a file may be immutable or append-only (lsattr shows it, chattr -i -a "
			 "clears it), or check the permissions of the repository");
	else if (saved == EACCES || saved == EROFS)
		snprintf(last.hint, sizeof last.hint, "check the permissions of the repository");
	errno = saved;
	return -1;
}

int jvs_error_hint(const char *fmt, ...)
{
	char buf[sizeof last.hint];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	memcpy(last.hint, buf, sizeof buf);
	return -1;
}

void jvs_error_stick(int err)
{
	sticky_errno = err;
}

void jvs_error_clear(void)
{
	sticky_errno = 0;
	memset(&last, 0, sizeof last);
}

const jvs_error *jvs_error_last(void)
{
	return &last;
}

jvs_error jvs_error_save(void)
{
	return last;
}

int jvs_error_restore(const jvs_error *saved)
{
	if (saved != &last)
		last = *saved;
	sticky_errno = 0;
	return -1;
}

const char *jvs_error_class_name(jvs_error_class cls)
{
	if ((int)cls < 0 || cls >= JVS_E__COUNT)
		return "E_INTERNAL";
	return classes[cls].name;
}

int jvs_error_exit_code(jvs_error_class cls)
{
	if ((int)cls < 0 || cls >= JVS_E__COUNT)
		return 1;
	return classes[cls].exit_code;
}
