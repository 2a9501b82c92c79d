/* Durations ("30d", "12h", "2w", "1y6m") and dates used by retention. */
#ifndef JVS_DURATION_H
#define JVS_DURATION_H

#include <stdint.h>

typedef struct {
	int years, months, weeks, days, hours;
} jvs_duration;

/* Parses one or more NUMBER UNIT groups, units y (years), m (months),
 * w (weeks), d (days), h (hours): "30d", "12h", "1y6m". E_USAGE on error. */
int jvs_duration_parse(const char *s, jvs_duration *out);
/* ms shifted back (sign -1) or forward (+1) by d, calendar arithmetic in
 * local time (TZ), the way restic and Go's AddDate do it. */
int64_t jvs_duration_shift(int64_t ms, const jvs_duration *d, int sign);
/* Parses YYYY-MM-DD (local midnight starting that day) or RFC 3339
 * (YYYY-MM-DDTHH:MM:SS[.fff] followed by Z or +HH:MM/-HH:MM). */
int jvs_date_parse(const char *s, int64_t *out_ms);

#endif
