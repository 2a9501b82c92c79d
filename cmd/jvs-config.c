/* jvs-config: list, get, set and unset the repository's settings. */
#include "cli.h"

#include "config.h"
#include "jvs/error.h"
#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The VALUE of "set KEY VALUE" is taken as it is, so that a gc policy's
 * "--keep-daily 7" is not an option: it is cut out of argv before getopt.
 * For gc.policy.NAME every word after KEY is the policy, so it may be
 * given unquoted, as gc plan takes it. malloc'd, or NULL. */
static char *cut_value(int *argc, char **argv)
{
	int seen = 0;
	const char *key = NULL;
	for (int i = 1; i < *argc; i++) {
		const char *a = argv[i];
		if (seen == 2) {
			int last = strncmp(key, "gc.policy.", 10) ? i + 1 : *argc;
			size_t len = 1;
			char *v;
			for (int k = i; k < last; k++)
				len += strlen(argv[k]) + 1;
			if (!(v = calloc(1, len)))
				return NULL;
			for (int k = i; k < last; k++)
				strcat(strcat(v, k > i ? " " : ""), argv[k]);
			memmove(argv + i, argv + last, (size_t)(*argc - last + 1) * sizeof *argv);
			*argc -= last - i;
			return v;
		}
		if (!strcmp(a, "--"))
			return NULL;
		if (!strcmp(a, "-C") || !strcmp(a, "-w") || !strcmp(a, "--progress")) {
			i++;
			continue;
		}
		if (a[0] == '-' && a[1])
			continue;
		if (seen == 0 && strcmp(a, "set"))
			return NULL;
		if (seen++ == 1)
			key = a;
	}
	return NULL;
}

static json_t *entry_json(const char *key, const char *value, jvs_config_origin origin,
                          const char *env)
{
	json_t *v = strncmp(key, "gc.policy.", 10) ? NULL : json_loads(value, 0, NULL);
	return json_pack("{s:s, s:o, s:s, s:o}", "key", key, "value", v ? v : json_string(value),
	                 "origin", jvs_config_origin_name(origin), "env",
	                 jvs_json_str_or_null(env));
}

static int list(cli *c, jvs_repo *repo, int origin, int name_only)
{
	jvs_config_entry *v;
	size_t n;
	json_t *a;
	if (jvs_config_list(repo, &v, &n) < 0)
		return cli_fail(c);
	if (c->json) {
		a = json_array();
		for (size_t i = 0; a && i < n; i++)
			json_array_append_new(
			    a, entry_json(v[i].key, v[i].value, v[i].origin, v[i].env));
		jvs_config_list_free(v, n);
		return cli_print_json(c, json_pack("{s:o}", "settings", a));
	}
	for (size_t i = 0; i < n; i++) {
		if (name_only)
			printf("%s\n", cli_esc(v[i].key));
		else if (origin)
			printf("%s\t%s=%s\n", jvs_config_origin_name(v[i].origin),
			       cli_esc(v[i].key), cli_esc(v[i].value));
		else
			printf("%s=%s\n", cli_esc(v[i].key), cli_esc(v[i].value));
	}
	jvs_config_list_free(v, n);
	return 0;
}

/* The subcommand in argv[0] and its operands, after the options. */
static int run(cli *c, int argc, char **argv, const char *value, int origin, int name_only)
{
	jvs_repo *repo = NULL;
	jvs_config_origin from;
	const char *sub = argc ? argv[0] : "", *env;
	char *got = NULL;
	int rc = 0;

	if (argc < 1)
		return cli_usage_error(c, "give list, get KEY, set KEY VALUE or unset KEY");
	if (!strcmp(sub, "list")) {
		if (argc != 1)
			return cli_usage_error(c, "list takes no operand");
	} else if (!strcmp(sub, "get") || !strcmp(sub, "unset")) {
		if (argc != 2)
			return cli_usage_error(c, "%s takes one KEY", sub);
	} else if (!strcmp(sub, "set")) {
		if (!value && argc == 3)
			value = argv[2];
		else if (!value || argc != 2)
			return cli_usage_error(c, "set takes a KEY and a VALUE");
	} else {
		return cli_usage_error(c, "unknown subcommand '%s' (list, get, set, unset)", sub);
	}
	if ((origin || name_only) && strcmp(sub, "list"))
		return cli_usage_error(c, "--origin and --name-only go with list");
	/* bad keys and values are usage errors, before the repository is opened */
	if ((strcmp(sub, "list") && jvs_config_key_check(argv[1]) < 0) ||
	    (value && jvs_config_value_check(argv[1], value, NULL) < 0))
		return cli_fail(c);

	if (cli_open_repo(c, &repo) < 0)
		return cli_fail(c);
	if (!strcmp(sub, "list")) {
		rc = list(c, repo, origin, name_only);
	} else if (!strcmp(sub, "get")) {
		if (jvs_config_get(repo, argv[1], &got, &from, &env) < 0)
			rc = cli_fail(c);
		else if (c->json)
			rc = cli_print_json(c, entry_json(argv[1], got, from, env));
		else
			printf("%s\n", cli_esc(got));
	} else if (!strcmp(sub, "set")) {
		if (jvs_config_set(repo, argv[1], value, c->wait_seconds) < 0)
			rc = cli_fail(c);
		else if (jvs_config_get(repo, argv[1], &got, &from, &env) == 0 &&
		         from == JVS_CONFIG_ENV && !c->quiet)
			fprintf(stderr, "note: %s is set in the environment and wins over %s\n",
			        env, cli_esc(argv[1]));
		jvs_error_clear();
	} else {
		int was = jvs_config_unset(repo, argv[1], c->wait_seconds);
		if (was < 0)
			rc = cli_fail(c);
		else if (!was && !c->quiet)
			fprintf(stderr, "note: %s was not set\n", cli_esc(argv[1]));
	}
	free(got);
	jvs_repo_free(repo);
	return rc;
}

int main(int argc, char **argv)
{
	cli c;
	char *value;
	int rc, origin = 0, name_only = 0;
	const cli_slot opts[] = {{"origin", &origin}, {"name-only", &name_only}, {NULL, NULL}};

	value = cut_value(&argc, argv);
	rc = cli_start(&c, "jvs-config", argc, argv, cli_store, (void *)opts);
	if (!rc)
		rc = run(&c, c.nargs, c.args, value, origin, name_only);
	free(value);
	return rc;
}
