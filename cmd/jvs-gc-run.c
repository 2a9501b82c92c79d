/* jvs-gc-run: delete the candidates of a reviewed gc plan. */
#include "cli.h"

#include "jvs/error.h"
#include "jvs/gc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *result_json(const jvs_gc_result *r)
{
	json_t *ids = json_array();
	for (size_t i = 0; ids && i < r->ndeleted; i++)
		json_array_append_new(ids, json_string(r->deleted[i]));
	return json_pack("{s:s, s:I, s:o, s:I, s:I}", "plan_id", r->plan_id, "deleted_count",
	                 (json_int_t)r->ndeleted, "deleted", ids, "already_deleted",
	                 (json_int_t)r->already_deleted, "bytes_freed", (json_int_t)r->bytes_freed);
}

int main(int argc, char **argv)
{
	cli c;
	jvs_repo *repo = NULL;
	jvs_gc_result res = {0};
	const char *plan_id = NULL;
	int rc = 0, r, no_hooks = 0;
	cli_progress ps;
	const cli_slot opts[] = {{"plan-id", &plan_id}, {"no-hooks", &no_hooks}, {NULL, NULL}};

	rc = cli_start(&c, "jvs-gc-run", argc, argv, cli_store, (void *)opts);
	if (rc)
		return rc;
	if (!plan_id)
		return cli_usage_error(&c, "give the plan to run with --plan-id");

	if (cli_open_repo(&c, &repo) < 0) {
		rc = cli_fail(&c);
		goto out;
	}
	/* the hooks see the plan as JVS_GC_PLAN_ID */
	if (setenv("JVS_GC_PLAN_ID", plan_id, 1) < 0 ||
	    cli_run_hook(repo, no_hooks, "pre-gc", "gc", NULL, NULL) < 0) {
		rc = cli_fail(&c);
		goto out;
	}
	cli_progress_start(&ps, &c, "deleting", "snapshots");
	r = jvs_gc_run_progress(repo, plan_id, c.wait_seconds, &res,
	                        ps.enabled ? cli_progress_cb : NULL, &ps);
	cli_progress_end(&ps);
	if (r < 0) {
		rc = cli_fail(&c);
		goto out;
	}
	cli_run_hook(repo, no_hooks, "post-gc", "gc", NULL, NULL);
	if (c.json) {
		rc = cli_print_json(&c, result_json(&res));
		goto out;
	}
	if (!c.quiet) {
		for (size_t i = 0; i < res.ndeleted; i++)
			printf("Deleted snapshot %s\n", res.deleted[i]);
		printf("GC run %s: deleted %zu snapshot%s, freed %llu bytes", res.plan_id,
		       res.ndeleted, res.ndeleted == 1 ? "" : "s",
		       (unsigned long long)res.bytes_freed);
		if (res.already_deleted)
			printf(" (%zu deleted by an earlier run)", res.already_deleted);
		printf("\n");
	}
out:
	jvs_gc_result_clear(&res);
	jvs_repo_free(repo);
	return rc;
}
