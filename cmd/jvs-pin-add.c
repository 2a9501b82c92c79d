/* jvs-pin-add: protect a snapshot from garbage collection. */
#include "cli.h"

#include "jvs/catalog.h"
#include "jvs/error.h"
#include "jvs/fsutil.h"
#include "jvs/pin.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	cli c;
	jvs_repo *repo = NULL;
	jvs_catalog cat = {0};
	jvs_pin pin = {0};
	const char *reason = NULL, *expires = NULL;
	const cli_slot opts[] = {{"reason", &reason}, {"expires", &expires}, {NULL, NULL}};
	char id[JVS_ID_BUF];
	int64_t now = jvs_now_ms(), expires_ms = 0;
	int rc = cli_start(&c, "jvs-pin-add", argc, argv, cli_store, (void *)opts);

	if (rc)
		return rc;
	if (c.nargs != 1)
		return cli_usage_error(&c, "give exactly one snapshot to pin");
	if (expires && jvs_pin_parse_expiry(expires, now, &expires_ms) < 0)
		return cli_fail(&c);

	if (cli_open_repo(&c, &repo) < 0 || cli_resolve_ref(&c, repo, &cat, c.args[0], id) < 0 ||
	    jvs_pin_add(repo, id, reason, expires_ms, c.wait_seconds, &pin) < 0) {
		rc = cli_fail(&c);
		goto out;
	}
	if (c.json)
		rc = cli_print_json(&c, jvs_pin_to_json(&pin, now));
	else if (c.quiet)
		printf("%s\n", cli_esc(pin.pin_id));
	else
		printf("Pinned snapshot %s (pin %s, expires %s)\n", pin.snapshot_id, cli_esc(pin.pin_id),
		       pin.expires_at[0] ? pin.expires_at : "never");
out:
	free(pin.reason);
	jvs_catalog_clear(&cat);
	jvs_repo_free(repo);
	return rc;
}
