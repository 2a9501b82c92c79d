/* The per-entry structures a walk of a million entries keeps (issue 18:
 * snapshot, restore and verify of 1,000,000 entries under 256 MB): a
 * field order that reopens padding is caught here, not at 1M files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "manifest.h"
#include "scan.h"

static void scan_entry_has_no_padding_word(void **state)
{
	(void)state;
	/* path, the key, then type and the ignored flag in one last word */
	assert_true(sizeof(jvs_scan_entry) <=
	            sizeof(char *) + sizeof(jvs_filekey) + sizeof(jvs_entry_type) + sizeof(int));
	if (sizeof(void *) == 8)
		assert_int_equal(sizeof(jvs_scan_entry), 72);
}

static void manifest_entry_is_bounded(void **state)
{
	(void)state;
	/* path, size, xattrs, mode, type and the raw hash: no padding */
	if (sizeof(void *) == 8)
		assert_true(sizeof(jvs_manifest_entry) <= 64);
	assert_int_equal(sizeof(((jvs_manifest_entry *)0)->hash_raw), JVS_HASH_RAW);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scan_entry_has_no_padding_word),
		cmocka_unit_test(manifest_entry_is_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
