/* Short ids (SPEC §3): the 8 random hex digits of a snapshot id, the form
 * people see in text output and type back as a REF. */
#include "name.h"
#include "shortid_int.h"

#include <string.h>

static int all_decimal(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* The random part, unless it is all decimal digits: such a string is also
 * the start of a timestamp (a full-id prefix, which resolves first), so the
 * whole id is shown instead. jvs_id_generate never makes such ids; older
 * repositories may hold some. */
const char *jvs_id_short(const char *id)
{
	if (!id || strlen(id) != JVS_ID_LEN || id[13] != '-')
		return id ? id : "";
	if (all_decimal(id + 14, JVS_ID_SHORT_LEN))
		return id;
	return id + 14;
}

int jvs_id_random_all_decimal(const char *id)
{
	return strlen(id) == JVS_ID_LEN && all_decimal(id + 14, JVS_ID_SHORT_LEN);
}

int jvs_id_random_prefix_plausible(const char *s)
{
	size_t len = strlen(s);
	if (len < JVS_ID_SHORT_MIN || len > JVS_ID_SHORT_LEN)
		return 0;
	return strspn(s, "0123456789abcdef") == len;
}
