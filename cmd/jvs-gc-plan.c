/* jvs-gc-plan: decide which snapshots a retention policy would delete. */
#include "cli.h"

#include "jvs/error.h"
#include "jvs/gc.h"
#include "jvs/manifest.h"
#include "jvs/name.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "jvs-gc-plan [--keep-last N] [--keep-hourly N] [--keep-daily N]\n"
    "            [--keep-weekly N] [--keep-monthly N] [--keep-yearly N]\n"
    "            [--keep-within DURATION] [--keep-tag TAG]... [--keep-tagged]\n"
    "            [--policy NAME] [--json | -q | --format text|json|tsv|id]";

enum {
	OPT_LAST = CLI_OPT_FIRST_PRIVATE,
	OPT_HOURLY,
	OPT_DAILY,
	OPT_WEEKLY,
	OPT_MONTHLY,
	OPT_YEARLY,
	OPT_WITHIN,
	OPT_TAG,
	OPT_TAGGED,
	OPT_POLICY,
	OPT_FORMAT
};

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

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    CLI_LONGOPTS,
	    {"keep-last", required_argument, NULL, OPT_LAST},
	    {"keep-hourly", required_argument, NULL, OPT_HOURLY},
	    {"keep-daily", required_argument, NULL, OPT_DAILY},
	    {"keep-weekly", required_argument, NULL, OPT_WEEKLY},
	    {"keep-monthly", required_argument, NULL, OPT_MONTHLY},
	    {"keep-yearly", required_argument, NULL, OPT_YEARLY},
	    {"keep-within", required_argument, NULL, OPT_WITHIN},
	    {"keep-tag", required_argument, NULL, OPT_TAG},
	    {"keep-tagged", no_argument, NULL, OPT_TAGGED},
	    {"policy", required_argument, NULL, OPT_POLICY},
	    {"format", required_argument, NULL, OPT_FORMAT},
	    {NULL, 0, NULL, 0},
	};
	cli c;
	jvs_repo *repo = NULL;
	jvs_gc_policy pol = {0};
	jvs_gc_plan plan = {0};
	const char *policy_name = NULL;
	int opt, rc = 0, fmt = CLI_FMT_TEXT;

	cli_init(&c, "jvs-gc-plan", usage);
	while ((opt = getopt_long(argc, argv, CLI_SHORTOPTS, longopts, NULL)) != -1) {
		if (cli_common_option(&c, opt, optarg))
			continue;
		if (opt >= OPT_LAST && opt <= OPT_YEARLY) {
			int *counts[] = {&pol.keep_last,   &pol.keep_hourly,  &pol.keep_daily,
			                 &pol.keep_weekly, &pol.keep_monthly, &pol.keep_yearly};
			rc = count_arg(&c, count_names[opt - OPT_LAST], optarg,
			               counts[opt - OPT_LAST]);
		} else if (opt == OPT_WITHIN) {
			if (jvs_gc_policy_set_within(&pol, optarg) < 0)
				rc = cli_fail(&c);
		} else if (opt == OPT_TAG) {
			if (jvs_gc_policy_add_tag(&pol, optarg) < 0)
				rc = cli_fail(&c);
		} else if (opt == OPT_TAGGED) {
			pol.keep_tagged = 1;
		} else if (opt == OPT_POLICY) {
			policy_name = optarg;
		} else if (opt == OPT_FORMAT) {
			rc = cli_parse_format(&c, optarg, &fmt);
		} else {
			rc = cli_bad_option(&c);
		}
		if (rc)
			goto out;
	}
	if (optind < argc) {
		rc = cli_usage_error(&c, "unexpected argument '%s'", argv[optind]);
		goto out;
	}
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
	if (fflush(stdout) != 0)
		rc = 1;
out:
	jvs_gc_plan_clear(&plan);
	jvs_gc_policy_clear(&pol);
	jvs_repo_free(repo);
	return rc;
}
