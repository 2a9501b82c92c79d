/* jvs-pin-remove: remove a pin, or every pin of a snapshot. */
#include "cli.h"

#include "jvs/catalog.h"
#include "jvs/error.h"
#include "jvs/pin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Pins named by arg: a pin id (or unique prefix of >= 4), else a snapshot. */
static int select_pins(const jvs_repo *repo, const jvs_pin *pins, size_t n, const char *arg,
                       char *chosen)
{
	jvs_catalog cat;
	char id[JVS_ID_BUF];
	size_t idx, hits = 0;
	if (jvs_pin_find(pins, n, arg, &idx) == 0) {
		chosen[idx] = 1;
		return 0;
	}
	if (jvs_error_last()->cls == JVS_E_AMBIGUOUS)
		return -1;
	if (jvs_id_is_valid(arg)) {
		snprintf(id, sizeof id, "%s", arg);
	} else {
		int rc;
		if (jvs_catalog_load(repo, &cat) < 0)
			return -1;
		rc = jvs_ref_resolve(repo, &cat, jvs_repo_worktree(repo), arg, id);
		jvs_catalog_clear(&cat);
		if (rc < 0) {
			if (jvs_error_last()->cls == JVS_E_NOT_FOUND)
				return jvs_error_set(JVS_E_NOT_FOUND,
				                     "no pin or snapshot matches '%s'", arg),
				       jvs_error_hint("see 'jvs pin list'");
			return -1;
		}
	}
	for (size_t i = 0; i < n; i++)
		if (!strcmp(pins[i].snapshot_id, id))
			chosen[i] = 1, hits++;
	if (!hits)
		return jvs_error_set(JVS_E_NOT_FOUND, "snapshot %s has no pins", id),
		       jvs_error_hint("see 'jvs pin list'");
	return 0;
}

int main(int argc, char **argv)
{
	cli c;
	jvs_repo *repo = NULL;
	jvs_pin *pins = NULL;
	size_t n = 0;
	char *chosen = NULL;
	json_t *removed = NULL;
	int rc = 0;

	rc = cli_start(&c, "jvs-pin-remove", argc, argv, NULL, NULL);
	if (rc)
		return rc;
	argc = c.nargs;
	argv = c.args;
	if (argc != 1)
		return cli_usage_error(&c, "give one pin id or snapshot");

	if (!(removed = json_array()) || cli_open_repo(&c, &repo) < 0 ||
	    jvs_pin_list(repo, &pins, &n) < 0 || !(chosen = calloc(n + 1, 1)) ||
	    select_pins(repo, pins, n, argv[0], chosen) < 0) {
		rc = cli_fail(&c);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (!chosen[i])
			continue;
		if (jvs_pin_remove(repo, &pins[i], c.wait_seconds) < 0) {
			rc = cli_fail(&c);
			goto out;
		}
		json_array_append_new(removed, json_string(pins[i].pin_id));
		if (!c.json && !c.quiet)
			printf("Removed pin %s (snapshot %s)\n", cli_esc(pins[i].pin_id),
			       cli_esc(pins[i].snapshot_id));
	}
	if (c.json) {
		rc = cli_print_json(&c, json_pack("{s:O}", "removed", removed));
		goto out;
	}
out:
	json_decref(removed);
	free(chosen);
	jvs_pin_list_free(pins, n);
	jvs_repo_free(repo);
	return rc;
}
