#include "jvs/duration.h"
#include "jvs/error.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define DURATION_MAX 100000

int jvs_duration_parse(const char *s, jvs_duration *out)
{
	const char *p = s;
	int any = 0;
	memset(out, 0, sizeof *out);
	if (!s || !*s)
		return jvs_error_set(JVS_E_USAGE, "empty duration");
	while (*p) {
		long v = 0;
		int *slot;
		if (!isdigit((unsigned char)*p))
			goto bad;
		while (isdigit((unsigned char)*p)) {
			v = v * 10 + (*p++ - '0');
			if (v > DURATION_MAX)
				goto bad;
		}
		switch (*p++) {
		case 'y':
			slot = &out->years;
			break;
		case 'm':
			slot = &out->months;
			break;
		case 'w':
			slot = &out->weeks;
			break;
		case 'd':
			slot = &out->days;
			break;
		case 'h':
			slot = &out->hours;
			break;
		default:
			goto bad;
		}
		*slot += (int)v;
		if (*slot > DURATION_MAX)
			goto bad;
		any |= v > 0;
	}
	if (!any)
		goto bad;
	return 0;
bad:
	jvs_error_set(JVS_E_USAGE, "invalid duration '%s'", s);
	return jvs_error_hint("use NUMBER and a unit: h, d, w, m (months), y, as in 30d or 1y6m");
}

int64_t jvs_duration_shift(int64_t ms, const jvs_duration *d, int sign)
{
	time_t secs = (time_t)(ms / 1000);
	int64_t frac = ms % 1000;
	struct tm tm;
	if (frac < 0) {
		frac += 1000;
		secs--;
	}
	localtime_r(&secs, &tm);
	tm.tm_year += sign * d->years;
	tm.tm_mon += sign * d->months;
	tm.tm_mday += sign * (7 * d->weeks + d->days);
	tm.tm_isdst = -1;
	secs = mktime(&tm);
	secs += (time_t)sign * d->hours * 3600;
	return (int64_t)secs * 1000 + frac;
}

static int digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)**p))
			return -1;
		v = v * 10 + (*(*p)++ - '0');
	}
	*out = v;
	return 0;
}

int jvs_date_parse(const char *s, int64_t *out_ms)
{
	const char *p = s;
	struct tm tm;
	int y, mo, d, h, mi, sec, ms = 0, off = 0;
	time_t t;
	memset(&tm, 0, sizeof tm);
	if (digits(&p, 4, &y) < 0 || *p++ != '-' || digits(&p, 2, &mo) < 0 || *p++ != '-' ||
	    digits(&p, 2, &d) < 0 || mo < 1 || mo > 12 || d < 1 || d > 31)
		goto bad;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	if (!*p) {
		tm.tm_isdst = -1;
		t = mktime(&tm);
		if (t == (time_t)-1 || tm.tm_mday != d)
			goto bad;
		*out_ms = (int64_t)t * 1000;
		return 0;
	}
	if ((*p != 'T' && *p != 't' && *p != ' ') || (p++, digits(&p, 2, &h) < 0) || *p++ != ':' ||
	    digits(&p, 2, &mi) < 0 || *p++ != ':' || digits(&p, 2, &sec) < 0 || h > 23 || mi > 59 ||
	    sec > 60)
		goto bad;
	if (*p == '.') {
		int n = 0;
		p++;
		if (!isdigit((unsigned char)*p))
			goto bad;
		for (; isdigit((unsigned char)*p); p++)
			if (n++ < 3)
				ms = ms * 10 + (*p - '0');
		for (; n < 3; n++)
			ms *= 10;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1, oh, om;
		if (digits(&p, 2, &oh) < 0 || *p++ != ':' || digits(&p, 2, &om) < 0 || oh > 23 ||
		    om > 59)
			goto bad;
		off = sign * (oh * 3600 + om * 60);
	} else {
		goto bad;
	}
	if (*p)
		goto bad;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	if (t == (time_t)-1 || tm.tm_mday != d)
		goto bad;
	*out_ms = ((int64_t)t - off) * 1000 + ms;
	return 0;
bad:
	jvs_error_set(JVS_E_USAGE, "invalid date '%s'", s);
	return jvs_error_hint("use YYYY-MM-DD or RFC 3339 (2026-01-31T12:00:00Z)");
}
