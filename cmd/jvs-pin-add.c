/* jvs-pin-add: protect a snapshot from garbage collection. */
#include "cli.h"

#include "jvs/catalog.h"
#include "jvs/error.h"
#include "jvs/fsutil.h"
#include "jvs/pin.h"

#include <stdio.h>
#include <stdlib.h>

static const char usage[] = "jvs-pin-add REF [--reason REASON] [--expires DURATION|DATE]";

enum { OPT_REASON = CLI_OPT_FIRST_PRIVATE, OPT_EXPIRES };

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    CLI_LONGOPTS,
	    {"reason", required_argument, NULL, OPT_REASON},
	    {"expires", required_argument, NULL, OPT_EXPIRES},
	    {NULL, 0, NULL, 0},
	};
	cli c;
	jvs_repo *repo = NULL;
	jvs_catalog cat = {0};
	jvs_pin pin = {0};
	const char *reason = NULL, *expires = NULL;
	char id[JVS_ID_BUF];
	int64_t now = jvs_now_ms(), expires_ms = 0;
	int opt, rc = 0;

	cli_init(&c, "jvs-pin-add", usage);
	while ((opt = getopt_long(argc, argv, CLI_SHORTOPTS, longopts, NULL)) != -1) {
		if (cli_common_option(&c, opt, optarg))
			continue;
		if (opt == OPT_REASON)
			reason = optarg;
		else if (opt == OPT_EXPIRES)
			expires = optarg;
		else
			return cli_bad_option(&c);
	}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		return cli_usage_error(&c, "give exactly one snapshot to pin");
	if (expires && jvs_pin_parse_expiry(expires, now, &expires_ms) < 0)
		return cli_fail(&c);

	if (cli_open_repo(&c, &repo) < 0 || jvs_catalog_load(repo, &cat) < 0 ||
	    jvs_ref_resolve(repo, &cat, jvs_repo_worktree(repo), argv[0], id) < 0 ||
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
