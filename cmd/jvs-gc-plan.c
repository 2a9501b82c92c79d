/* jvs-gc-plan: decide which snapshots a retention policy would delete. */
#include "cli.h"

#include "error_int.h"
#include "gc_internal.h"
#include "manifest.h"
#include "jvs/error.h"
#include "jvs/gc.h"
#include "name.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const count_names[] = {"keep-last",   "keep-hourly",  "keep-daily",
                                          "keep-weekly", "keep-monthly", "keep-yearly"};

static void human(uint64_t b, char *out, size_t len)
{
	const char *units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB"};
	double v = (double)b;
	int u = 0;
	while (v >= 1024 && u < 5)
		v /= 1024, u++;
	if (u == 0)
		snprintf(out, len, "%llu bytes", (unsigned long long)b);
	else
		snprintf(out, len, "%.1f %s (%llu bytes)", v, units[u], (unsigned long long)b);
}

static void print_plan(const jvs_gc_plan *p)
{
	char *desc = jvs_gc_policy_describe(&p->policy), size[64];
	printf("GC Plan\n");
	printf("Plan ID: %s\n", p->plan_id);
	printf("Policy: %s\n", cli_esc(desc ? desc : "?"));
	printf("Snapshots: %zu total, %zu kept, %zu to delete\n", p->nkept + p->ncandidates,
	       p->nkept, p->ncandidates);
	printf("Protected: %zu by pin, %zu by lineage (worktree heads, intents, ancestors), "
	       "%zu by retention\n",
	       p->protected_by_pin, p->protected_by_lineage, p->protected_by_retention);
	free(desc);
	if (!p->ncandidates) {
		printf("Nothing to delete.\n");
		return;
	}
	printf("Candidates (oldest first):\n");
	for (size_t i = 0; i < p->ncandidates; i++) {
		const jvs_gc_entry *e = &p->candidates[i];
		const char *at = cli_esc(e->created_at);
		printf("  %s  %.10s %.8s  %s  %s\n", jvs_id_short(e->snapshot_id), at,
		       strlen(at) > 11 ? at + 11 : "", cli_esc(e->worktree_name),
		       cli_esc(e->note && *e->note ? e->note : "(no note)"));
	}
	human(p->deletable_bytes, size, sizeof size);
	printf("Space freed: %s\n", size);
	printf("Run: jvs gc run --plan-id %s\n", p->plan_id);
}

static int count_arg(cli *c, const char *name, const char *arg, int *out)
{
	char *end;
	long v = strtol(arg, &end, 10);
	if (!*arg || *end || v < 1 || v > 1000000)
		return cli_usage_error(c, "--%s takes a positive number", name);
	*out = (int)v;
	return 0;
}

struct opts {
	jvs_gc_policy *pol;
	const char *policy_name;
	int fmt;
};

static int on_option(cli *c, const cli_option *o, const char *arg, void *ctx)
{
	struct opts *op = ctx;
	int *counts[] = {&op->pol->keep_last,   &op->pol->keep_hourly,  &op->pol->keep_daily,
			 &op->pol->keep_weekly, &op->pol->keep_monthly, &op->pol->keep_yearly};
	for (size_t i = 0; i < sizeof counts / sizeof *counts; i++)
		if (cli_opt_is(o, count_names[i]))
			return count_arg(c, count_names[i], arg, counts[i]);
	if (cli_opt_is(o, "keep-within"))
		return jvs_gc_policy_set_within(op->pol, arg) < 0 ? cli_fail(c) : 0;
	if (cli_opt_is(o, "keep-tag"))
		return jvs_gc_policy_add_tag(op->pol, arg) < 0 ? cli_fail(c) : 0;
	if (cli_opt_is(o, "keep-tagged"))
		op->pol->keep_tagged = 1;
	else if (cli_opt_is(o, "policy"))
		op->policy_name = arg;
	else
		return cli_parse_format(c, arg, &op->fmt);
	return 0;
}

int main(int argc, char **argv)
{
	cli c;
	jvs_repo *repo = NULL;
	jvs_gc_policy pol = {0};
	jvs_gc_plan plan = {0};
	struct opts op = {&pol, NULL, CLI_FMT_TEXT};
	const char *policy_name;
	int rc, fmt;

	rc = cli_start(&c, "jvs-gc-plan", argc, argv, on_option, &op);
	if (rc)
		goto out;
	policy_name = op.policy_name;
	fmt = op.fmt;
	if (cli_open_repo(&c, &repo) < 0 ||
	    (policy_name && jvs_gc_policy_load_named(repo, policy_name, &pol) < 0) ||
	    jvs_gc_plan_make(repo, &pol, &plan) < 0) {
		rc = cli_fail(&c);
		goto out;
	}
	if (c.json)
		rc = cli_print_json(&c, jvs_gc_plan_to_json(&plan, 1));
	else if (fmt == CLI_FMT_ID || fmt == CLI_FMT_TSV)
		for (size_t i = 0; i < plan.ncandidates; i++) {
			const jvs_gc_entry *e = &plan.candidates[i];
			if (fmt == CLI_FMT_ID)
				printf("%s\n", e->snapshot_id);
			else
				printf("%s\t%s\t%s\t%s\t%s\n", plan.plan_id, e->snapshot_id,
				       cli_esc(e->created_at), cli_esc(e->worktree_name), cli_esc(e->note));
		}
	else if (c.quiet)
		printf("%s\n", plan.plan_id);
	else
		print_plan(&plan);
out:
	jvs_gc_plan_clear(&plan);
	jvs_gc_policy_clear(&pol);
	jvs_repo_free(repo);
	return rc;
}
