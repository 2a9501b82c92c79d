/* Worktree name, tag and snapshot id validation: whatever is accepted
 * matches SPEC §3 exactly. */
#include "fuzz.h"

#include "name.h"

static int name_ok(const char *s, size_t len)
{
	if (!len || len > JVS_NAME_MAX || !strcmp(s, ".") || !strcmp(s, ".."))
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-",
			    s[i]) || !s[i])
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	size_t len = strlen(s);
	int ok = name_ok(s, len);
	FUZZ_ASSERT((jvs_name_validate(s, "worktree name") == 0) == ok);
	FUZZ_ASSERT((jvs_tag_validate(s) == 0) == (ok && strcmp(s, "HEAD")));
	if (jvs_id_is_valid(s)) {
		FUZZ_ASSERT(len == JVS_ID_LEN && ok && jvs_id_prefix_plausible(s));
		FUZZ_ASSERT(jvs_id_ms(s) >= 0);
	}
	if (jvs_id_prefix_plausible(s))
		FUZZ_ASSERT(ok && len >= 4 && len <= JVS_ID_LEN && !strchr(s, '/'));
	free(s);
	return 0;
}
