/* The compression levels: their names, zstd levels and descriptor values
 * (jvs-format(5), Compression). */
#include "compress_level.h"
#include "jvs/error.h"

#include <string.h>

static const struct {
	const char *name, *desc;
	int zlevel;
} levels[] = {
	[JVS_COMPRESS_NONE] = {"none", "", 0},
	[JVS_COMPRESS_FAST] = {"fast", "zstd-fast", 1},
	[JVS_COMPRESS_DEFAULT] = {"default", "zstd-default", 3},
	[JVS_COMPRESS_MAX] = {"max", "zstd-max", 19},
};
#define NLEVELS (sizeof levels / sizeof *levels)

int jvs_compress_parse(const char *s, const char *what, jvs_compress_level *out)
{
	for (size_t i = 0; s && i < NLEVELS; i++)
		if (!strcmp(s, levels[i].name)) {
			*out = (jvs_compress_level)i;
			return 0;
		}
	jvs_error_set(JVS_E_USAGE, "%s: unknown compression '%s'", what, s ? s : "");
	return jvs_error_hint("use none, fast, default or max");
}

const char *jvs_compress_name(jvs_compress_level l)
{
	return (size_t)l < NLEVELS ? levels[l].name : "?";
}

int jvs_compress_zstd_level(jvs_compress_level l)
{
	return (size_t)l < NLEVELS ? levels[l].zlevel : 0;
}

const char *jvs_compress_descriptor_value(jvs_compress_level l)
{
	return (size_t)l < NLEVELS ? levels[l].desc : "";
}

int jvs_compress_from_descriptor(const char *value, jvs_compress_level *out)
{
	for (size_t i = 0; i < NLEVELS; i++)
		if (!strcmp(value ? value : "", levels[i].desc)) {
			*out = (jvs_compress_level)i;
			return 0;
		}
	jvs_error_set(JVS_E_FORMAT_UNSUPPORTED,
		      "the snapshot is compressed as '%s', which this jvs cannot read", value);
	return jvs_error_hint("upgrade jvs");
}
