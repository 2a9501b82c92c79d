/* jvs-verify: check snapshots against their descriptors and manifests. */
#include "cli.h"

#include "jvs/catalog.h"
#include "jvs/error.h"
#include "jvs/textesc.h"
#include "jvs/verify.h"
#include "jvs/worktree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The total is the snapshots' logical bytes: files whose inode was hashed
 * in an earlier snapshot count as checked at once, so the ETA holds. */
typedef struct {
	cli_progress p;
	uint64_t bytes_total;
} verify_progress;

static void show_progress(void *arg, uint64_t bytes, uint64_t files)
{
	verify_progress *vp = arg;
	cli_progress_update(&vp->p, bytes, vp->bytes_total, files, 0);
}

int main(int argc, char **argv)
{
	cli c;
	jvs_repo *repo = NULL;
	jvs_catalog cat = {0};
	jvs_verifier *v = NULL;
	verify_progress ps = {0};
	char **ids = NULL;
	size_t nids = 0;
	int all = 0, quick = 0, rc = 0, failed = 0, audit_ok = 1;
	char audit_detail[512] = "";
	json_t *out = NULL;
	const cli_slot opts[] = {{"all", &all}, {"quick", &quick}, {NULL, NULL}};

	rc = cli_start(&c, "jvs-verify", argc, argv, cli_store, (void *)opts);
	if (rc)
		return rc;
	argc = c.nargs;
	argv = c.args;
	if (all && argc)
		return cli_usage_error(&c, "give REFs or --all, not both");

	if (cli_open_repo(&c, &repo) < 0)
		return cli_fail(&c);
	if (jvs_catalog_load(repo, &cat) < 0)
		goto fail;
	if (all) {
		if (jvs_verify_all_ids(repo, &ids, &nids) < 0)
			goto fail;
	} else {
		ids = calloc((size_t)argc + 1, sizeof *ids);
		if (!argc) { /* default: the current worktree's head */
			const char *wt;
			jvs_worktree w;
			if (jvs_repo_require_worktree(repo, &wt) < 0 ||
			    jvs_worktree_load(repo, wt, &w) < 0)
				goto fail;
			if (!w.head[0]) {
				jvs_error_set(JVS_E_NOT_FOUND, "worktree '%s' has no snapshot yet", wt);
				goto fail;
			}
			ids[nids++] = strdup(w.head);
		}
		for (int i = 0; i < argc; i++) {
			char id[JVS_ID_BUF];
			if (jvs_ref_resolve(repo, &cat, jvs_repo_worktree(repo), argv[i], id) < 0)
				goto fail;
			ids[nids++] = strdup(id);
		}
	}
	v = jvs_verifier_new(repo, quick);
	if (!v)
		goto fail;
	cli_progress_start(&ps.p, &c, "verifying", "files");
	for (size_t i = 0; i < nids; i++) {
		const jvs_descriptor *d = jvs_catalog_get(&cat, ids[i]);
		ps.bytes_total += d ? (uint64_t)d->total_bytes : 0;
	}
	if (ps.p.enabled)
		jvs_verifier_set_progress(v, show_progress, &ps);
	if (c.json)
		out = json_array();
	for (size_t i = 0; i < nids; i++) {
		jvs_verify_result r;
		if (jvs_verify_snapshot(v, ids[i], &r) < 0)
			goto fail;
		cli_progress_clear(&ps.p);
		if (r.vanished) {
			if (!c.quiet && !all)
				fprintf(stderr, "jvs-verify: snapshot %s was deleted by gc meanwhile\n",
					cli_esc(r.snapshot_id));
			jvs_verify_result_clear(&r);
			continue;
		}
		if (r.first_class != JVS_OK)
			failed++;
		if (out) {
			json_array_append_new(
				out, json_pack("{s:s, s:b, s:b, s:b, s:s, s:O}", "snapshot_id",
					       r.snapshot_id, "checksum_valid", r.checksum_valid,
					       "payload_hash_valid", r.payload_hash_valid,
					       "tamper_detected", r.tamper_detected, "severity",
					       r.first_class == JVS_OK ? "ok" : "error", "errors",
					       r.errors));
		} else if (r.first_class == JVS_OK) {
			if (!c.quiet)
				printf("OK %s\n", r.snapshot_id);
		} else {
			size_t k;
			json_t *e;
			printf("%sFAIL%s %s %s %s", cli_color(CLI_RED), cli_color(CLI_RESET),
			       r.snapshot_id, jvs_error_class_name(r.first_class),
			       cli_esc(r.first_detail));
			if (r.tamper_detected)
				printf(" (%sTAMPERED%s)", cli_color(CLI_RED), cli_color(CLI_RESET));
			printf("\n");
			json_array_foreach(r.errors, k, e)
			{
				if (k == 0)
					continue;
				/* The JSON holds the text form of a path that is
				 * not UTF-8: escaping it again would double its
				 * backslashes, so take the bytes from path_b64. */
				printf("  %s %s%s%s\n", json_string_value(json_object_get(e, "class")),
				       json_is_string(json_object_get(e, "path"))
					       ? cli_esc_json(e, "path")
					       : "",
				       json_is_string(json_object_get(e, "path")) ? ": " : "",
				       cli_esc_json(e, "detail"));
			}
		}
		jvs_verify_result_clear(&r);
	}
	cli_progress_end(&ps.p);
	if (all) {
		if (jvs_verify_audit(repo, &audit_ok, audit_detail, sizeof audit_detail) < 0)
			goto fail;
		if (!audit_ok)
			failed++;
		if (out)
			json_array_append_new(out, json_pack("{s:s, s:b, s:s, s:o}", "audit_chain",
							     "audit.jsonl", "valid", audit_ok,
							     "severity", audit_ok ? "ok" : "error",
							     "detail", jvs_json_text(audit_detail)));
		else if (!audit_ok)
			printf("%sFAIL%s audit E_AUDIT_CHAIN_BROKEN %s (%sTAMPERED%s)\n",
			       cli_color(CLI_RED), cli_color(CLI_RESET), cli_esc(audit_detail),
			       cli_color(CLI_RED), cli_color(CLI_RESET));
		else if (!c.quiet)
			printf("OK audit chain\n");
	}
	if (out) {
		rc = cli_print_json(&c, out);
		out = NULL;
	}
	if (!rc && failed) {
		if (!c.json)
			fprintf(stderr, "jvs-verify: %d problem(s) found\n", failed);
		rc = 4;
	}
	goto done;
fail:
	cli_progress_end(&ps.p);
	rc = cli_fail(&c);
done:
	json_decref(out);
	jvs_verifier_free(v);
	jvs_strv_free(ids, nids);
	jvs_catalog_clear(&cat);
	jvs_repo_free(repo);
	return rc;
}
