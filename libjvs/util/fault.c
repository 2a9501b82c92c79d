#include "jvs/fault.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int disk_full;

void jvs_fault_point(const char *point)
{
	const char *want = getenv("JVS_FAULT");
	if (!want)
		return;
	if (!strcmp(want, point))
		_exit(99);
	if (!strncmp(want, "enospc:", 7) && !strcmp(want + 7, point))
		disk_full = 1;
}

int jvs_fault_disk_full(void)
{
	return disk_full;
}

int jvs_fault_nomem(const char *point)
{
	const char *want = getenv("JVS_FAULT");
	return want && !strncmp(want, "nomem:", 6) && !strcmp(want + 6, point);
}
