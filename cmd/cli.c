#include "cli.h"

#include "config.h"
#include "jvs/error.h"
#include "hook.h"
#include "json.h"
#include "lock.h"
#include "path_history.h"
#include "worktree_ops.h"
#include "textesc.h"
#include "error_int.h"

#include <errno.h>
#include <limits.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef JVS_VERSION
#error "JVS_VERSION is the VERSION file's, given by the Makefile"
#endif

static int no_color; /* --no-color, read by cli_color */
static const char *exit_prog = "jvs";

static void print_usage(cli *c, FILE *f)
{
	const char *u = c->usage;
	int first = 1;
	while (*u) {
		const char *nl = strchr(u, '\n');
		size_t n = nl ? (size_t)(nl - u) : strlen(u);
		fprintf(f, "%s%.*s\n", first ? "usage: " : "       ", (int)n, u);
		first = 0;
		u += n + (nl ? 1 : 0);
	}
	fprintf(f, "common options: -C DIR, -w NAME, -q, --json, --wait[=SECONDS], "
		   "--no-progress, --progress=auto|never|json, --no-color, -h, --version\n");
}

/* The one exit path (atexit): whatever main returned, output that cannot
 * be written is a failure, E_IO with its exit code, never a silent 0. */
static void close_stdout(void)
{
	int bad = fflush(stdout) != 0 || ferror(stdout);
	int err = bad ? errno : 0;
	if (fclose(stdout) != 0 && !bad) {
		bad = 1;
		err = errno;
	}
	if (!bad)
		return;
	errno = err ? err : EIO;
	jvs_error_sys("cannot write output");
	fprintf(stderr, "%s: %s: %s\n", exit_prog, jvs_error_class_name(JVS_E_IO),
		cli_esc(jvs_error_last()->message));
	fflush(stderr);
	_exit(jvs_error_exit_code(JVS_E_IO));
}

int cli_opt_is(const cli_option *o, const char *name)
{
	return o->name && !strcmp(o->name, name);
}

int cli_store(cli *c, const cli_option *o, const char *arg, void *slots)
{
	for (const cli_slot *k = slots; k->name; k++) {
		if (!cli_opt_is(o, k->name))
			continue;
		if (o->arg == CLI_ARG_NONE)
			*(int *)k->var = 1;
		else
			*(const char **)k->var = arg;
		return 0;
	}
	jvs_error_set(JVS_E_INTERNAL, "option --%s has no variable", o->name ? o->name : "?");
	return cli_fail(c);
}

/* The common options; returns 0 or an exit code. */
static int common_option(cli *c, const cli_option *o, const char *arg)
{
	if (o->letter == 'h') {
		print_usage(c, stdout);
		printf("See 'man %s' for details.\n", c->prog);
		exit(0);
	}
	if (cli_opt_is(o, "version")) {
		printf("%s (jvs) %s\n", c->prog, JVS_VERSION);
		exit(0);
	}
	if (cli_opt_is(o, "json"))
		c->json = 1;
	else if (o->letter == 'q')
		c->quiet = 1;
	else if (o->letter == 'C')
		c->chdir = arg;
	else if (o->letter == 'w')
		c->worktree = arg;
	else if (cli_opt_is(o, "no-color"))
		no_color = 1;
	else if (cli_opt_is(o, "no-progress")) {
		c->no_progress = 1;
		c->progress_mode = CLI_PROGRESS_NEVER;
	} else if (cli_opt_is(o, "progress")) {
		if (!strcmp(arg, "auto"))
			c->progress_mode = CLI_PROGRESS_AUTO;
		else if (!strcmp(arg, "never"))
			c->progress_mode = CLI_PROGRESS_NEVER;
		else if (!strcmp(arg, "json"))
			c->progress_mode = CLI_PROGRESS_JSON;
		else
			return cli_usage_error(c, "--progress takes auto, never or json");
		c->no_progress = c->progress_mode == CLI_PROGRESS_NEVER;
	} else if (cli_opt_is(o, "wait")) {
		if (!arg) {
			c->wait_seconds = -1;
		} else {
			char *end;
			long v = strtol(arg, &end, 10);
			if (*end || v < 0 || v > 86400L * 365)
				return cli_usage_error(c, "--wait takes a number of seconds");
			c->wait_seconds = (int)v;
		}
	}
	return 0;
}

int cli_usage_error(cli *c, const char *fmt, ...)
{
	va_list ap;
	char msg[512];
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	jvs_error_set(JVS_E_USAGE, "%s", msg);
	cli_fail(c);
	print_usage(c, stderr);
	return 2;
}

/* Unknown option, or one that lacks its value (getopt's '?'). */
static int bad_option(cli *c)
{
	const char *word = optind > 0 && optind <= c->argc ? c->argv[optind - 1] : NULL;
	if (optopt && optopt < 0x100 && optopt > ' ')
		return cli_usage_error(c, "unknown option '-%c', or it lacks its value", optopt);
	if (word && word[0] == '-' && word[1] == '-') {
		const char *eq = strchr(word, '=');
		int len = eq ? (int)(eq - word) : (int)strlen(word);
		return cli_usage_error(c, "unknown option '%.*s', or it lacks its value", len,
				       word);
	}
	return cli_usage_error(c, "unknown or incomplete option");
}

/* Whether word is an option of the table that takes its value as the next
 * word (so that the value is never taken for the `--` ending options). */
static int takes_next(const cli_option *opts, const char *word)
{
	for (const cli_option *o = opts; o->name || o->letter; o++) {
		if (o->arg != CLI_ARG_REQUIRED)
			continue;
		if (word[0] == '-' && o->letter && word[1] == o->letter && !word[2])
			return 1;
		if (word[0] == '-' && word[1] == '-' && o->name && !strcmp(word + 2, o->name))
			return 1;
	}
	return 0;
}

/* For CLI_TAKES_PATHS: the words after the `--` that ends the options go
 * to c->paths and argv is cut there (options are parsed before it). */
static void cut_paths(cli *c, const cli_option *own, int *argc, char **argv)
{
	for (int i = 1; i < *argc; i++) {
		if (!strcmp(argv[i], "--")) {
			c->dashdash = 1;
			c->paths = argv + i + 1;
			c->npaths = (size_t)(*argc - i - 1);
			argv[i] = NULL;
			*argc = i;
			return;
		}
		if (takes_next(cli_common_options, argv[i]) || takes_next(own, argv[i]))
			i++; /* the option's value, whatever it is */
	}
}

enum { CLI_LONG_CODE = 0x1000, CLI_MAX_OPTS = 64 };

static const cli_option *option_of(const cli_option *own, int code)
{
	const cli_option *tables[] = {cli_common_options, own};
	for (int t = 0; t < 2; t++)
		for (const cli_option *o = tables[t]; o->name || o->letter; o++)
			if ((o->letter && o->letter == code) ||
			    (!o->letter && CLI_LONG_CODE + (t << 8) + (int)(o - tables[t]) == code))
				return o;
	return NULL;
}

static int is_common(const cli_option *o)
{
	for (const cli_option *k = cli_common_options; k->name || k->letter; k++)
		if (k == o)
			return 1;
	return 0;
}

/* getopt_long's tables for the common options and the program's own. */
static void getopt_tables(const cli_option *own, char *shortopts, size_t nshort,
			  struct option *longopts)
{
	static const char *const colons[] = {"", ":", "::"};
	const cli_option *tables[] = {cli_common_options, own};
	size_t ns = 0, nl = 0;
	shortopts[0] = '\0';
	for (int t = 0; t < 2; t++)
		for (const cli_option *o = tables[t]; o->name || o->letter; o++) {
			int code = o->letter ? o->letter
					     : CLI_LONG_CODE + (t << 8) + (int)(o - tables[t]);
			if (o->letter)
				ns += (size_t)snprintf(shortopts + ns, nshort - ns, "%c%s", o->letter,
						       colons[o->arg]);
			if (o->name && nl < CLI_MAX_OPTS - 1)
				longopts[nl++] = (struct option){
					o->name,
					o->arg == CLI_ARG_NONE ? no_argument
					: o->arg == CLI_ARG_REQUIRED ? required_argument
								     : optional_argument,
					NULL, code};
		}
	longopts[nl] = (struct option){NULL, 0, NULL, 0};
}

int cli_start(cli *c, const char *prog, int argc, char **argv, cli_option_fn fn, void *ctx)
{
	static const cli_option no_options[] = {{NULL, 0, CLI_ARG_NONE, NULL}};
	struct option longopts[CLI_MAX_OPTS];
	char shortopts[3 * CLI_MAX_OPTS + 1];
	const cli_option *own;
	int opt, rc;

	memset(c, 0, sizeof *c);
	c->prog = exit_prog = prog;
	c->cmd = cli_command_find(prog);
	c->usage = c->cmd ? c->cmd->usage : prog;
	c->argc = argc;
	c->argv = argv;
	own = c->cmd ? c->cmd->options : no_options;
	jvs_lock_set_command(prog);
	atexit(close_stdout);
	if (!c->cmd)
		return jvs_error_set(JVS_E_INTERNAL, "%s is not in the command table", prog),
		       cli_fail(c);
	if (c->cmd->flags & CLI_TAKES_PATHS)
		cut_paths(c, own, &argc, argv);
	c->argc = argc;
	getopt_tables(own, shortopts, sizeof shortopts, longopts);
	opterr = 0;
	while ((opt = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		const cli_option *o = opt == '?' || opt == ':' ? NULL : option_of(own, opt);
		if (!o)
			return bad_option(c);
		if (is_common(o))
			rc = common_option(c, o, optarg);
		else if (fn)
			rc = fn(c, o, optarg, ctx);
		else
			rc = bad_option(c);
		if (rc)
			return rc;
	}
	c->args = argv + optind;
	c->nargs = argc - optind;
	if ((c->cmd->flags & CLI_NO_OPERANDS) && c->nargs)
		return cli_usage_error(c, "unexpected argument '%s'", c->args[0]);
	return 0;
}

/* The working directory was deleted (a restore removes directories the
 * snapshot lacks, the one the shell is in too): the nearest directory of
 * its old path (Linux keeps it in /proc/self/cwd, marked " (deleted)"; else
 * $PWD) that still exists is where to go, normally the worktree root. */
static void hint_vanished_cwd(void)
{
	static const char mark[] = " (deleted)";
	char buf[PATH_MAX], probe[PATH_MAX];
	const char *pwd = getenv("PWD");
	struct stat st;
	ssize_t n;
	if (getcwd(buf, sizeof buf) || errno != ENOENT)
		return;
	n = readlink("/proc/self/cwd", buf, sizeof buf - 1);
	if (n > 0) {
		buf[n] = '\0';
		if ((size_t)n > sizeof mark - 1 && !strcmp(buf + n - (sizeof mark - 1), mark))
			buf[n - (sizeof mark - 1)] = '\0';
		pwd = buf;
	}
	if (!pwd || pwd[0] != '/' || strlen(pwd) >= sizeof probe) {
		jvs_error_hint("your working directory no longer exists (a restore may have "
			       "removed it): cd to the worktree root");
		return;
	}
	snprintf(probe, sizeof probe, "%s", pwd);
	for (;;) {
		char *slash = strrchr(probe, '/');
		if (!slash || slash == probe) {
			snprintf(probe, sizeof probe, "/");
			break;
		}
		*slash = '\0';
		if (stat(probe, &st) == 0 && S_ISDIR(st.st_mode))
			break;
	}
	jvs_error_hint("your working directory no longer exists (a restore may have removed "
		       "it): cd to the worktree root, e.g. cd %s",
		       probe);
}

int cli_open_repo(cli *c, jvs_repo **out)
{
	if (c->chdir && chdir(c->chdir) < 0) {
		jvs_error_sys("cannot change to '%s'", c->chdir);
		return -1;
	}
	if (jvs_repo_open(out, NULL) < 0) {
		if (!c->chdir)
			hint_vanished_cwd();
		return -1;
	}
	if ((c->worktree && jvs_repo_select_worktree(*out, c->worktree) < 0) ||
	    (c->cmd && (c->cmd->flags & CLI_NEEDS_WORKTREE) &&
	     jvs_repo_require_worktree(*out, &c->wt) < 0)) {
		jvs_repo_free(*out);
		*out = NULL;
		return -1;
	}
	if (c->progress_mode == CLI_PROGRESS_UNSET) {
		/* no --progress: JVS_PROGRESS, else progress of jvs-config(1) */
		const char *mode;
		if (jvs_config_progress(*out, &mode, NULL) < 0)
			jvs_error_clear(); /* progress is no reason to fail */
		else if (!strcmp(mode, "never"))
			c->progress_mode = CLI_PROGRESS_NEVER;
		else if (!strcmp(mode, "json"))
			c->progress_mode = CLI_PROGRESS_JSON;
	}
	return 0;
}

int cli_resolve_ref(cli *c, const jvs_repo *repo, jvs_catalog *cat, const char *ref,
		    char id[JVS_ID_BUF])
{
	if (!cat->d && !cat->n && !cat->bad && jvs_catalog_load(repo, cat) < 0)
		return -1;
	return jvs_ref_resolve(repo, cat, c->wt ? c->wt : jvs_repo_worktree(repo), ref, id);
}

int cli_oom(cli *c)
{
	jvs_error_set(JVS_E_INTERNAL, "out of memory");
	return cli_fail(c);
}

int cli_fail(cli *c)
{
	const jvs_error *e = jvs_error_last();
	const char *cls = jvs_error_class_name(e->cls == JVS_OK ? JVS_E_INTERNAL : e->cls);
	fprintf(stderr, "%s: %s: %s\n", c->prog, cls,
		e->message[0] ? cli_esc(e->message) : "failed");
	if (e->hint[0])
		fprintf(stderr, "hint: %s\n", cli_esc(e->hint));
	if (c->json) {
		json_t *j = json_pack("{s:{s:s, s:o}}", "error", "class", cls, "message",
				      jvs_json_text(e->message));
		if (j && e->hint[0])
			json_object_set_new(json_object_get(j, "error"), "hint",
					    jvs_json_text(e->hint));
		char *s = j ? jvs_json_pretty(j) : NULL;
		if (s)
			fputs(s, stdout);
		free(s);
		json_decref(j);
	}
	return jvs_error_exit_code(e->cls == JVS_OK ? JVS_E_INTERNAL : e->cls);
}

const char *cli_esc(const char *s)
{
	static char *ring[16];
	static unsigned next;
	char *e;
	if (!s)
		return "";
	if (!jvs_text_needs_escape(s))
		return s;
	e = jvs_text_escape(s);
	if (!e)
		return "(out of memory)";
	free(ring[next % 16]);
	ring[next++ % 16] = e;
	return e;
}

const char *cli_esc_json(const json_t *obj, const char *key)
{
	char k64[64];
	const char *v = json_string_value(json_object_get(obj, key));
	snprintf(k64, sizeof k64, "%s_b64", key);
	if (v && json_object_get(obj, k64))
		return v; /* ASCII text form already */
	return cli_esc(v);
}

void cli_fputs_esc(const char *s, FILE *f)
{
	fputs(cli_esc(s), f);
}

int cli_print_json(cli *c, json_t *v)
{
	char *s = v ? jvs_json_pretty(v) : NULL;
	json_decref(v);
	if (!s)
		return cli_fail(c);
	fputs(s, stdout);
	free(s);
	/* a failed write is reported once, as E_IO, by the exit path */
	return fflush(stdout) != 0 ? jvs_error_exit_code(JVS_E_IO) : 0;
}

int cli_one_operand(cli *c, const char *what)
{
	if (c->nargs == 1)
		return 0;
	return cli_usage_error(c, c->nargs ? "give one %s" : "missing %s", what);
}

int cli_print_new_worktree(cli *c, const jvs_repo *repo, const char *name)
{
	jvs_worktree wt;
	char *path;
	int rc = 0;
	if (jvs_worktree_load(repo, name, &wt) < 0 || !(path = jvs_repo_payload_root(repo, name)))
		return cli_fail(c);
	if (c->json)
		rc = cli_print_json(c, jvs_worktree_to_json(repo, &wt));
	else if (c->quiet)
		printf("%s\n", cli_esc(path));
	else
		printf("Created worktree %s%s%s\nPath: %s\n", cli_esc(name), wt.head[0] ? " at " : "",
		       wt.head, cli_esc(path));
	free(path);
	return rc;
}

/* The "operation" of the JSON events, from the label the mains give. */
static const char *progress_operation(const char *label)
{
	static const char *const map[][2] = {
		{"snapshot", "snapshot"}, {"restoring", "restore"}, {"forking", "fork"},
		{"verifying", "verify"},  {"deleting", "gc-run"},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (!strcmp(label, map[i][0]))
			return map[i][1];
	return label;
}

static long env_ms(const char *name, long dflt)
{
	const char *env = getenv(name);
	if (env && *env) {
		char *end;
		long v = strtol(env, &end, 10);
		if (!*end && v >= 0)
			return v;
	}
	return dflt;
}

void cli_progress_start(cli_progress *p, const cli *c, const char *label, const char *unit)
{
	int mode = c->progress_mode;
	memset(p, 0, sizeof *p);
	p->label = label;
	p->unit = unit;
	p->operation = progress_operation(label);
	p->min_ms = env_ms("JVS_PROGRESS_MIN_MS", 500);
	p->interval_ms = env_ms("JVS_PROGRESS_INTERVAL_MS", 200);
	if (mode == CLI_PROGRESS_UNSET) {
		/* the options win over the environment; other values are ignored */
		const char *env = getenv("JVS_PROGRESS");
		mode = CLI_PROGRESS_AUTO;
		if (env && !strcmp(env, "json"))
			mode = CLI_PROGRESS_JSON;
		else if (env && !strcmp(env, "never"))
			mode = CLI_PROGRESS_NEVER;
	}
	p->json = mode == CLI_PROGRESS_JSON;
	p->enabled = p->json || (mode == CLI_PROGRESS_AUTO && !c->quiet && !c->json && isatty(2));
	clock_gettime(CLOCK_MONOTONIC, &p->start);
	p->last = p->start;
}

static double secs_between(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void human_bytes(char *buf, size_t n, uint64_t b)
{
	static const char *units[] = {"B", "kB", "MB", "GB", "TB", "PB"};
	double v = (double)b;
	int u = 0;
	while (v >= 1000 && u < 5) {
		v /= 1000;
		u++;
	}
	snprintf(buf, n, u ? "%.1f %s" : "%.0f %s", v, units[u]);
}

static long long ms_between(const struct timespec *a, const struct timespec *b)
{
	return (long long)(b->tv_sec - a->tv_sec) * 1000 + (b->tv_nsec - a->tv_nsec) / 1000000;
}

/* One event line; operation, phase and unit are fixed words of this file,
 * never user text, so they need no escaping. Unknown totals are null. */
static void json_event(cli_progress *p, uint64_t bytes, uint64_t bytes_total, uint64_t done,
		       uint64_t total, int final)
{
	struct timespec now;
	long long ms;
	char bt[32] = "null", tt[32] = "null";
	if (!final) {
		p->bytes = bytes;
		p->bytes_total = bytes_total;
		p->done = done;
		p->total = total;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!final && ms_between(&p->last, &now) < p->interval_ms)
		return;
	p->last = now;
	ms = ms_between(&p->start, &now);
	if (bytes_total)
		snprintf(bt, sizeof bt, "%llu", (unsigned long long)bytes_total);
	if (total)
		snprintf(tt, sizeof tt, "%llu", (unsigned long long)total);
	fprintf(stderr,
		"{\"type\":\"%s\",\"operation\":\"%s\",\"phase\":\"%s\",\"unit\":\"%s\","
		"\"done\":%llu,\"total\":%s,\"bytes_done\":%llu,\"bytes_total\":%s,"
		"\"rate_bytes_per_s\":%llu,\"elapsed_ms\":%lld}\n",
		final ? "done" : "progress", p->operation, p->label, p->unit,
		(unsigned long long)done, tt, (unsigned long long)bytes, bt,
		ms > 0 ? (unsigned long long)((double)bytes * 1000 / (double)ms) : 0ULL, ms);
	fflush(stderr);
}

void cli_progress_update(cli_progress *p, uint64_t bytes, uint64_t bytes_total, uint64_t done,
			 uint64_t total)
{
	struct timespec now;
	double elapsed, rate;
	double min_s, every;
	char b1[32], b2[32], r[32], eta[32] = "";
	int finished = total && done >= total;
	if (!p->enabled)
		return;
	if (p->json) {
		json_event(p, bytes, bytes_total, done, total, 0);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	elapsed = secs_between(&p->start, &now);
	min_s = (double)p->min_ms / 1000;
	every = min_s < 0.2 ? min_s : 0.2;
	if (elapsed < min_s || (p->shown && !finished && secs_between(&p->last, &now) < every))
		return;
	if (finished && !p->shown && min_s > 0)
		return; /* done before it was worth showing */
	p->last = now;
	p->shown = 1;
	rate = elapsed > 0 ? (double)bytes / elapsed : 0;
	human_bytes(b1, sizeof b1, bytes);
	human_bytes(r, sizeof r, (uint64_t)rate);
	if (bytes_total) {
		human_bytes(b2, sizeof b2, bytes_total);
		if (rate > 0 && bytes < bytes_total) {
			double left = (double)(bytes_total - bytes) / rate;
			if (left < 100)
				snprintf(eta, sizeof eta, ", ETA %.0fs", left);
			else if (left < 6000)
				snprintf(eta, sizeof eta, ", ETA %.0fm%02.0fs", left / 60,
					 left - 60 * (long)(left / 60));
			else
				snprintf(eta, sizeof eta, ", ETA %.1fh", left / 3600);
		}
	}
	if (total)
		fprintf(stderr, "\r\033[K%s: %llu/%llu %s, %s/%s, %s/s%s", p->label,
			(unsigned long long)done, (unsigned long long)total, p->unit, b1,
			bytes_total ? b2 : "?", r, eta);
	else if (bytes_total)
		fprintf(stderr, "\r\033[K%s: %llu %s, %s/%s, %s/s%s", p->label,
			(unsigned long long)done, p->unit, b1, b2, r, eta);
	else
		fprintf(stderr, "\r\033[K%s: %llu %s, %s, %s/s", p->label,
			(unsigned long long)done, p->unit, b1, r);
	fflush(stderr);
}

void cli_progress_cb(void *arg, uint64_t bytes, uint64_t bytes_total, size_t done, size_t total)
{
	cli_progress_update(arg, bytes, bytes_total, done, total);
}

void cli_progress_end(cli_progress *p)
{
	if (p->json) {
		if (p->enabled)
			json_event(p, p->bytes, p->bytes_total, p->done, p->total, 1);
		p->enabled = 0; /* once */
		return;
	}
	cli_progress_clear(p);
}

void cli_progress_clear(cli_progress *p)
{
	if (p->json)
		return;
	if (p->shown) {
		fprintf(stderr, "\r\033[K");
		fflush(stderr);
	}
	p->shown = 0;
}

const char *cli_color(enum cli_colour k)
{
	static int on = -1;
	static const char *const sgr[] = {"\033[0m", "\033[1;31m", "\033[1;32m", "\033[1;33m",
					  "\033[1m"};
	if (on < 0) {
		const char *term = getenv("TERM");
		const char *nc = getenv("NO_COLOR");
		on = isatty(1) && !no_color && !(nc && *nc) && term && *term && strcmp(term, "dumb") != 0;
	}
	return on && k <= CLI_BOLD ? sgr[k] : "";
}

int cli_parse_format(cli *c, const char *arg, int *out)
{
	static const char *const names[] = {"text", "json", "tsv", "id"};
	for (int i = 0; i < 4; i++)
		if (!strcmp(arg, names[i])) {
			*out = i;
			if (i == CLI_FMT_JSON)
				c->json = 1;
			return 0;
		}
	return cli_usage_error(c, "unknown format '%s' (text, json, tsv, id)", arg);
}

int cli_format_option(cli *c, const cli_option *o, const char *arg, void *fmt)
{
	(void)o;
	return cli_parse_format(c, arg, fmt);
}

int cli_cwd_is_in(const char *dir)
{
	char cwd[PATH_MAX];
	size_t n = strlen(dir);
	return realpath(".", cwd) && !strncmp(cwd, dir, n) && (cwd[n] == '\0' || cwd[n] == '/');
}

int cli_run_hook(const jvs_repo *repo, int no_hooks, const char *name, const char *operation,
		 const char *worktree, const char *snapshot_id)
{
	int ran, status;
	if (no_hooks)
		return 0;
	if (jvs_hook_run(repo, name, operation, worktree, snapshot_id, &ran, &status) == 0)
		return 0;
	if (!strncmp(name, "pre-", 4))
		return -1;
	fprintf(stderr, "warning: %s; recorded in the audit log\n", cli_esc(jvs_error_last()->message));
	jvs_error_clear();
	return 0;
}

int cli_worktree_paths(const jvs_repo *repo, const char *worktree, int argc, char **argv,
		       char ***out, size_t *nout)
{
	char real[PATH_MAX], cwd[PATH_MAX], *root = NULL;
	char **v = calloc((size_t)argc + 1, sizeof *v);
	int have_root = 0;
	*out = NULL;
	*nout = 0;
	if (!v)
		return jvs_error_set(JVS_E_INTERNAL, "out of memory");
	if (worktree) {
		root = jvs_repo_payload_root(repo, worktree);
		if (!root) {
			free(v);
			return -1;
		}
		have_root = realpath(root, real) != NULL;
		free(root);
		if (!have_root) {
			free(v);
			return jvs_error_sys("cannot resolve the worktree directory");
		}
	}
	if (!realpath(".", cwd))
		cwd[0] = '\0';
	for (int i = 0; i < argc; i++) /* every path is checked before any output */
		if (!(v[i] = jvs_path_worktree_rel(have_root ? real : NULL, cwd[0] ? cwd : NULL,
						   argv[i]))) {
			while (i-- > 0)
				free(v[i]);
			free(v);
			return -1;
		}
	*nout = jvs_path_sort_unique(v, (size_t)argc);
	*out = v;
	return 0;
}

void cli_paths_free(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}
