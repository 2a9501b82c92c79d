/* Options structs carry a version (jvs/types.h); a mismatch is refused
 * rather than read as a struct of another shape. */
#include "opts.h"

#include "error_int.h"

int jvs_opts_check(unsigned version, unsigned want, const char *type)
{
	if (version == want)
		return 0;
	jvs_error_set(JVS_E_USAGE, "%s has version %u, this library expects %u", type, version,
		      want);
	return jvs_error_hint("make it with its JVS_..._OPTS_INIT macro");
}
