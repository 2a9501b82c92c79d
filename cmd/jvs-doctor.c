/* jvs-doctor: check repository health and repair runtime leftovers. */
#include "cli.h"

#include "jvs/doctor.h"
#include "jvs/error.h"
#include "jvs/textesc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const order[] = {"clean_intents", "resume_gc",    "clean_tmp",
				    "rebuild_index", "advance_head", "audit_repair"};

struct opts {
	const char **wanted;
	size_t nwanted;
	int strict, runtime;
};

static int on_option(cli *c, const cli_option *o, const char *arg, void *ctx)
{
	struct opts *op = ctx;
	if (cli_opt_is(o, "strict"))
		op->strict = 1;
	else if (cli_opt_is(o, "repair-runtime"))
		op->runtime = 1;
	else if (!op->wanted)
		return cli_oom(c);
	else if (!jvs_doctor_is_repair(arg))
		return cli_usage_error(c,
				       "unknown repair '%s' (clean_tmp, clean_intents, "
				       "rebuild_index, advance_head, audit_repair, resume_gc)",
				       arg);
	else
		op->wanted[op->nwanted++] = arg;
	return 0;
}

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
	cli c;
	jvs_repo *repo = NULL;
	jvs_findings before = {0}, after = {0};
	struct opts op = {0};
	size_t repaired = 0;
	int rc = 0, errors = 0;
	json_t *done = json_array();

	op.wanted = calloc((size_t)argc + 1, sizeof *op.wanted);
	rc = cli_start(&c, "jvs-doctor", argc, argv, on_option, &op);
	if (rc)
		goto out;
	if (!op.wanted || !done) {
		rc = cli_oom(&c);
		goto out;
	}

	if (cli_open_repo(&c, &repo) < 0 || jvs_doctor_check(repo, op.strict, &before) < 0)
		goto fail;
	for (size_t k = 0; k < sizeof order / sizeof *order; k++) {
		int want = op.runtime && jvs_doctor_is_runtime_repair(order[k]);
		for (size_t i = 0; i < op.nwanted; i++)
			want |= !strcmp(op.wanted[i], order[k]);
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
		if (jvs_doctor_check(repo, op.strict, &before) < 0)
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
	free(op.wanted);
	jvs_repo_free(repo);
	return rc;
}
