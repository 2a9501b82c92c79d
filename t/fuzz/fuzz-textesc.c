/* The text escape and the JSON encoding of user-controlled bytes: the text
 * form holds no control byte, no byte that is not part of valid UTF-8, and
 * gives the input back exactly; the JSON of any bytes encodes, and its
 * _b64 field appears exactly when the input is not UTF-8. */
#include "fuzz.h"

#include "json.h"
#include "textesc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size), *e, *back, *js;
	size_t len = strlen(s), blen;
	json_t *o;
	e = jvs_text_escape(s);
	FUZZ_ASSERT(e != NULL);
	FUZZ_ASSERT(jvs_utf8_valid(e, strlen(e)));
	for (const unsigned char *p = (const unsigned char *)e; *p; p++)
		FUZZ_ASSERT(*p >= 0x20 && *p != 0x7f);
	FUZZ_ASSERT(jvs_text_needs_escape(s) == (strcmp(s, e) != 0));
	back = jvs_text_unescape(e, &blen);
	FUZZ_ASSERT(back && blen == len && !memcmp(back, s, len));
	o = json_object();
	FUZZ_ASSERT(o && jvs_json_set_text(o, "v", s) == 0);
	FUZZ_ASSERT((json_object_get(o, "v_b64") != NULL) == !jvs_utf8_valid(s, len));
	js = jvs_json_pretty(o);
	FUZZ_ASSERT(js != NULL);
	free(js);
	json_decref(o);
	free(back);
	free(e);
	free(s);
	jvs_error_clear();
	return 0;
}
