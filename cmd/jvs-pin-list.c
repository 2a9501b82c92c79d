/* jvs-pin-list: show the pins that protect snapshots from gc. */
#include "cli.h"

#include "error_int.h"
#include "fsutil.h"
#include "manifest.h"
#include "pin_int.h"
#include "jvs/error.h"
#include "name.h"
#include "jvs/pin.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	cli c;
	jvs_repo *repo = NULL;
	jvs_pin *pins = NULL;
	size_t n = 0;
	int64_t now = jvs_now_ms();
	int rc = 0, fmt = CLI_FMT_TEXT;

	rc = cli_start(&c, "jvs-pin-list", argc, argv, cli_format_option, &fmt);
	if (rc)
		return rc;
	if (c.quiet && fmt == CLI_FMT_TEXT)
		fmt = CLI_FMT_ID;

	if (cli_open_repo(&c, &repo) < 0 || jvs_pin_list(repo, &pins, &n) < 0) {
		rc = cli_fail(&c);
		goto out;
	}
	if (c.json) {
		json_t *a = json_array();
		for (size_t i = 0; a && i < n; i++)
			json_array_append_new(a, jvs_pin_to_json(&pins[i], now));
		rc = cli_print_json(&c, a);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const jvs_pin *p = &pins[i];
		char exp[48];
		if (!p->expires_at[0])
			snprintf(exp, sizeof exp, "never");
		else if (jvs_pin_is_expired(p, now))
			snprintf(exp, sizeof exp, "expired %s", cli_esc(p->expires_at));
		else
			snprintf(exp, sizeof exp, "%s", cli_esc(p->expires_at));
		if (fmt == CLI_FMT_ID) {
			printf("%s\n", cli_esc(p->pin_id));
		} else if (fmt == CLI_FMT_TSV) {
			printf("%s\t%s\t%s\t%s\t%s\t%s\n", cli_esc(p->pin_id), p->snapshot_id,
			       cli_esc(p->created_at), cli_esc(p->expires_at[0] ? p->expires_at : "-"),
			       jvs_pin_is_expired(p, now) ? "expired" : "active", cli_esc(p->reason));
		} else
			printf("%s  %s  %-32s  %s\n", cli_esc(p->pin_id), jvs_id_short(p->snapshot_id), exp,
			       cli_esc(p->reason));
	}
	if (!n && !c.quiet && fmt == CLI_FMT_TEXT)
		fprintf(stderr, "no pins (jvs pin add REF)\n");
out:
	jvs_pin_list_free(pins, n);
	jvs_repo_free(repo);
	return rc;
}
