/* Audit-line parsing: the input becomes .jvs/audit/audit.jsonl and the
 * chain is checked with jvs_verify_audit (which must not crash, and must
 * always explain a broken chain). */
#include "fuzz.h"

#include "jvs/verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char detail[512];
	int ok = 0;
	fuzz_put("audit/audit.jsonl", data, size);
	if (jvs_verify_audit(fuzz_repo(), &ok, detail, sizeof detail) == 0)
		FUZZ_ASSERT(ok || detail[0]);
	jvs_error_clear();
	return 0;
}
