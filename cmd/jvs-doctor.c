/* jvs-doctor: check repository health and repair runtime leftovers. */
#include "cli.h"

#include "jvs/doctor.h"
#include "error_int.h"
#include "textesc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] = "jvs-doctor [--strict] [--repair-runtime] [--repair ACTION]... [--json]";

enum { OPT_STRICT = CLI_OPT_FIRST_PRIVATE, OPT_REPAIR_RUNTIME, OPT_REPAIR };

static const char *const order[] = {"clean_intents", "resume_gc",    "clean_tmp",
				    "rebuild_index", "advance_head", "audit_repair"};

static json_t *findings_json(const jvs_findings *fs)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < fs->n; i++)
		json_array_append_new(
			a, json_pack("{s:s, s:s, s:o, s:o}", "severity",
				     jvs_severity_name(fs->f[i].severity), "code", fs->f[i].code,
				     "message", jvs_json_text(fs->f[i].message), "repair",
				     fs->f[i].repair[0] ? json_string(fs->f[i].repair) : json_null()));
	return a;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{"strict", no_argument, NULL, OPT_STRICT},
		{"repair-runtime", no_argument, NULL, OPT_REPAIR_RUNTIME},
		{"repair", required_argument, NULL, OPT_REPAIR},
		{NULL, 0, NULL, 0},
	};
	cli c;
	jvs_repo *repo = NULL;
	jvs_findings before = {0}, after = {0};
	const char **wanted;
	size_t nwanted = 0, repaired = 0;
	int opt, strict = 0, runtime = 0, rc = 0, errors = 0;
	json_t *done = json_array();

	cli_init(&c, "jvs-doctor", usage);
	wanted = calloc((size_t)argc + 1, sizeof *wanted);
	if (!wanted || !done) {
		free(wanted);
		json_decref(done);
		return 1;
	}
	while ((opt = getopt_long(argc, argv, CLI_SHORTOPTS, longopts, NULL)) != -1) {
		if (cli_common_option(&c, opt, optarg))
			continue;
		if (opt == OPT_STRICT) {
			strict = 1;
		} else if (opt == OPT_REPAIR_RUNTIME) {
			runtime = 1;
		} else if (opt == OPT_REPAIR) {
			if (!jvs_doctor_is_repair(optarg)) {
				rc = cli_usage_error(&c,
						       "unknown repair '%s' (clean_tmp, clean_intents, "
						       "rebuild_index, advance_head, audit_repair, "
						       "resume_gc)",
						       optarg);
				goto out;
			}
			wanted[nwanted++] = optarg;
		} else {
			rc = cli_bad_option(&c);
			goto out;
		}
	}
	if (optind < argc) {
		rc = cli_usage_error(&c, "unexpected argument '%s'", argv[optind]);
		goto out;
	}

	if (cli_open_repo(&c, &repo) < 0 || jvs_doctor_check(repo, strict, &before) < 0)
		goto fail;
	for (size_t k = 0; k < sizeof order / sizeof *order; k++) {
		int want = runtime && jvs_doctor_is_runtime_repair(order[k]);
		for (size_t i = 0; i < nwanted; i++)
			want |= !strcmp(wanted[i], order[k]);
		if (!want)
			continue;
		{
			int n = jvs_doctor_repair(repo, &before, order[k]);
			if (n < 0)
				goto fail;
			repaired += (size_t)n;
			for (size_t i = 0; n > 0 && i < before.n; i++)
				if (!strcmp(before.f[i].repair, order[k]))
					json_array_append_new(done,
							      jvs_json_text(before.f[i].message));
		}
	}
	if (repaired) {
		if (!c.json && !c.quiet)
			for (size_t i = 0; i < json_array_size(done); i++)
				printf("repaired\t%s\n",
				       cli_esc(json_string_value(json_array_get(done, i))));
		/* Repairs may have uncovered or cleared other findings. */
		jvs_findings_clear(&before);
		if (jvs_doctor_check(repo, strict, &before) < 0)
			goto fail;
	}
	for (size_t i = 0; i < before.n; i++)
		if (before.f[i].severity == JVS_SEV_ERROR)
			errors++;
	if (c.json) {
		rc = cli_print_json(&c, json_pack("{s:b, s:o, s:O}", "healthy", before.n == 0,
						  "findings", findings_json(&before), "repaired",
						  done));
	} else {
		for (size_t i = 0; i < before.n; i++)
			printf("%s\t%s\t%s\t%s\n", jvs_severity_name(before.f[i].severity),
			       cli_esc(before.f[i].code), cli_esc(before.f[i].message),
			       before.f[i].repair[0] ? before.f[i].repair : "-");
		if (before.n == 0)
			printf("Repository is healthy\n");
	}
	if (!rc && errors)
		rc = 4;
	goto out;
fail:
	rc = cli_fail(&c);
out:
	json_decref(done);
	jvs_findings_clear(&before);
	jvs_findings_clear(&after);
	free(wanted);
	jvs_repo_free(repo);
	return rc;
}
