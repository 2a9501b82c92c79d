/* Writing a descriptor file (the snapshot's publish protocol renames it
 * into place). */
#include "descriptor.h"
#include "fsutil.h"
#include "json.h"

#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

int jvs_descriptor_write_mode(const char *path, jvs_descriptor *d, unsigned mode)
{
	char *text;
	json_t *j;
	int rc;
	if (jvs_descriptor_checksum(d, d->descriptor_checksum) < 0)
		return -1;
	j = jvs_descriptor_to_json(d);
	if (!j)
		return -1;
	text = jvs_json_pretty(j);
	json_decref(j);
	if (!text)
		return -1;
	rc = jvs_write_file_synced_mode(path, text, strlen(text), (mode_t)mode);
	free(text);
	return rc;
}
