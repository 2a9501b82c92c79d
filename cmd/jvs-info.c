/* jvs-info: describe the repository. */
#include "cli.h"

#include "jvs/catalog.h"
#include "jvs/compress.h"
#include "jvs/engine.h"
#include "jvs/error.h"
#include "jvs/textesc.h"
#include "jvs/worktree.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	cli c;
	jvs_repo *repo = NULL;
	jvs_catalog cat = {0};
	jvs_engine engine;
	char **wts = NULL;
	size_t nwt = 0, ncompressed = 0;
	jvs_compress_level zdefault = JVS_COMPRESS_NONE;
	const char *zorigin = "";
	int64_t logical = 0, files = 0;
	int overflow = 0, rc = cli_start(&c, "jvs-info", argc, argv, NULL, NULL);

	if (rc)
		return rc;

	if (cli_open_repo(&c, &repo) < 0 || jvs_catalog_load(repo, &cat) < 0 ||
	    jvs_worktree_list(repo, &wts, &nwt) < 0 || jvs_engine_detect(repo, &engine) < 0) {
		rc = cli_fail(&c);
		goto out;
	}
	/* Counts come from descriptors (checked non-negative when loaded); a
	 * sum past INT64_MAX is damage, not a negative size: it stays at the
	 * maximum and is reported below. */
	if (jvs_compress_default(repo, &zdefault, &zorigin) < 0) {
		rc = cli_fail(&c);
		goto out;
	}
	for (size_t i = 0; i < cat.n; i++) {
		ncompressed += cat.d[i].compression[0] != '\0';
		if (__builtin_add_overflow(logical, cat.d[i].total_bytes, &logical))
			logical = INT64_MAX, overflow = 1;
		if (__builtin_add_overflow(files, cat.d[i].file_count, &files))
			files = INT64_MAX, overflow = 1;
	}
	if (c.json) {
		json_t *names = json_array();
		for (size_t i = 0; i < nwt; i++)
			json_array_append_new(names, json_string(wts[i]));
		rc = cli_print_json(
			&c, jvs_json_add_b64(json_pack("{s:o, s:s, s:i, s:s, s:o, s:s, s:s, s:I, s:s, s:I, s:I, s:o, s:o, s:I, s:I}",
				      "repo_root", jvs_json_text(jvs_repo_root(repo)), "repo_id", jvs_repo_id(repo),
				      "format_version", jvs_format_version_read(repo), "snapshot_engine",
				      jvs_engine_name(engine.kind), "engine_reason",
				      jvs_json_text(engine.why),
				      "snapshot_compress", jvs_compress_name(zdefault),
				      "snapshot_compress_origin", zorigin,
				      "compressed_snapshots", (json_int_t)ncompressed,
				      "hash_algorithm", "blake2b-256", "total_snapshots",
				      (json_int_t)cat.n, "total_worktrees", (json_int_t)nwt,
				      "worktrees", names, "current_worktree",
				      jvs_repo_worktree(repo) ? json_string(jvs_repo_worktree(repo))
							      : json_null(),
				      "logical_bytes", (json_int_t)logical, "logical_files",
				      (json_int_t)files), "repo_root", jvs_repo_root(repo)));
		goto damage;
	}
	printf("Repository: %s\n", cli_esc(jvs_repo_root(repo)));
	printf("Repository id: %s\n", cli_esc(jvs_repo_id(repo)));
	printf("Format version: %d\n", jvs_format_version_read(repo));
	printf("Snapshot engine: %s (%s)\n", jvs_engine_name(engine.kind), cli_esc(engine.why));
	printf("Snapshot compression: %s (%s)\n", jvs_compress_name(zdefault), zorigin);
	printf("Hash algorithm: blake2b-256\n");
	printf("Worktrees: %zu", nwt);
	for (size_t i = 0; i < nwt; i++)
		printf("%s%s", i ? ", " : " (", cli_esc(wts[i]));
	printf("%s\n", nwt ? ")" : "");
	if (jvs_repo_worktree(repo))
		printf("Current worktree: %s\n", cli_esc(jvs_repo_worktree(repo)));
	printf("Snapshots: %zu", cat.n);
	if (ncompressed)
		printf(" (%zu compressed)", ncompressed);
	printf("\n");
	printf("Logical size: %" PRId64 " bytes in %" PRId64 " files (summed over snapshots)\n",
	       logical, files);
	if (cat.nbad)
		printf("Unreadable descriptors: %zu (run 'jvs doctor --strict')\n", cat.nbad);
damage:
	/* The totals leave damaged snapshots out: an integrity problem (SPEC §12). */
	if (!rc && overflow && !cat.nbad) {
		fflush(stdout);
		jvs_error_set(JVS_E_DESCRIPTOR_CORRUPT,
			      "the descriptors' file_count or total_bytes add up past %lld",
			      (long long)INT64_MAX);
		jvs_error_hint("'jvs verify --all' checks each descriptor against its manifest");
		c.json = 0; /* stdout already holds the JSON document */
		rc = cli_fail(&c);
	}
	if (!rc && cat.nbad) {
		fflush(stdout);
		jvs_error_set(JVS_E_DESCRIPTOR_CORRUPT,
			      "%zu snapshot descriptor%s unreadable, left out of the totals: %s%s",
			      cat.nbad, cat.nbad == 1 ? " is" : "s are", cat.bad[0],
			      cat.nbad > 1 ? ", ..." : "");
		jvs_error_hint("run 'jvs verify --all' and 'jvs doctor --strict'");
		c.json = 0; /* stdout already holds the JSON document */
		rc = cli_fail(&c);
	}
out:
	jvs_strv_free(wts, nwt);
	jvs_catalog_clear(&cat);
	jvs_repo_free(repo);
	return rc;
}
