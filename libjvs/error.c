#include "jvs/error.h"

#include <errno.h>
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
};

/* The arguments may point into the last error itself (wrapping its message
 * in more context is common), so each is formatted aside, then copied. */
int jvs_error_set(jvs_error_class cls, const char *fmt, ...)
{
	char buf[sizeof last.message];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	sticky_errno = 0;
	last.cls = cls;
	last.hint[0] = '\0';
	memcpy(last.message, buf, sizeof buf);
	return -1;
}

int jvs_error_sys(const char *fmt, ...)
{
	int saved = errno;
	char buf[sizeof last.message];
	va_list ap;
	size_t len;
	if (sticky_errno && saved == sticky_errno) {
		sticky_errno = 0; /* keep the precise error set for this errno */
		return -1;
	}
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	last.cls = JVS_E_IO;
	last.hint[0] = '\0';
	memcpy(last.message, buf, sizeof buf);
	len = strlen(last.message);
	snprintf(last.message + len, sizeof last.message - len, ": %s", strerror(saved));
	if (saved == ENOSPC)
		snprintf(last.hint, sizeof last.hint, "free some space on the file system and retry");
	else if (saved == EACCES || saved == EPERM || saved == EROFS)
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
