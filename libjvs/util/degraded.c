#include "jvs/degraded.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define NOTES_MAX 64 /* more are counted in the last one */

static _Thread_local char *notes[NOTES_MAX];
static _Thread_local size_t nnotes, dropped;

void jvs_degraded_note(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	if (nnotes == NOTES_MAX) {
		dropped++;
		return;
	}
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (s)
		notes[nnotes++] = s;
}

size_t jvs_degraded_count(void)
{
	return nnotes;
}

const char *jvs_degraded_get(size_t i)
{
	return i < nnotes ? notes[i] : NULL;
}

void jvs_degraded_clear(void)
{
	for (size_t i = 0; i < nnotes; i++)
		free(notes[i]);
	nnotes = dropped = 0;
}
