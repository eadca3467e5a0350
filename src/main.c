/* main: the command line.  The only place that exits.
 * Exit codes (docs/cli.md): 0 success, 1 a target failed, 2 usage or DAG
 * file error, 3 any other error (I/O, the state repository). */
#include "audit.h"
#include "backend.h"
#include "build.h"
#include "checks.h"
#include "cache.h"
#include "cache_remote.h"
#include "cron.h"
#include "fsck.h"
#include "graph.h"
#include "crypto.h"
#include "history.h"
#include "index.h"
#include "kind.h"
#include "pipefile.h"
#include "project.h"
#include "scheduler.h"
#include "serve.h"
#include "restore.h"
#include "runs.h"
#include "verify.h"
#include "state.h"
#include "util.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

enum { EXIT_FAILED = 1, EXIT_USAGE = 2, EXIT_ERROR = 3 };

static const char usage_text[] =
	"usage: pipe [-C DIR] COMMAND [ARGS]\n"
	"\n"
	"make for data pipelines: builds what is stale, by content hash, and keeps\n"
	"the pipeline's history in a git repository (state/).\n"
	"\n"
	"commands:\n"
	"  init                 create pipelines/, targets/ and state/ (a git repository)\n"
	"  build [TARGET...]    build targets and what they need, if stale\n"
	"  status [TARGET...]   every target: up to date, or stale and why\n"
	"  test [TARGET...]     run the checks of built targets, without building\n"
	"  due [TARGET...]      scheduled targets: when last built, when next due\n"
	"  scheduler            build what is due, then sleep until the next due time\n"
	"  serve                a web page and JSON API: status, runs, reports, rebuilds\n"
	"  dag [--dot]          the graph of targets\n"
	"  log [TARGET]         the build history from state/\n"
	"  runs [show ID|prune] the runs: each build, its trigger, result and logs\n"
	"  diff [REV [REV]]     which targets changed between two builds\n"
	"  show TARGET          a target's state record\n"
	"  fsck                 check outputs, records, index and state/; repair\n"
	"  restore [REV]        targets/ as a state commit recorded them, from the cache\n"
	"  verify [TARGET...]   build again in a scratch directory; compare with the record\n"
	"  cache push|pull|gc   copy the cache to or from a directory or server; clean it\n"
	"  state push|pull R    send state/'s history to a git remote, or fetch it\n"
	"  query SQL            run GoogleSQL on the warehouse\n"
	"  tables               the tables in the warehouse\n"
	"  schema TABLE         a table's columns, partitioning and clustering\n"
	"\n"
	"`pipe COMMAND --help` says more.  -C DIR runs in DIR.  --version prints the version.\n";

static const char build_help[] =
	"usage: pipe build [options] [TARGET...] [NAME=value...]\n"
	"\n"
	"Builds the targets (all when none is named) and what they depend on, when\n"
	"stale, then commits the changed state records to state/.\n"
	"\n"
	"  -n, --dry-run       say what would be rebuilt and why; build nothing\n"
	"  -j N                build N targets at once (default: the number of CPUs)\n"
	"  -k, --keep-going    go on past failures with what does not depend on them\n"
	"  -B, --force         rebuild the selected targets even when up to date\n"
	"      --from TARGET   rebuild TARGET even when up to date, then what depends on it\n"
	"      --full-refresh  forget incremental cursors and previously loaded rows\n"
	"      --no-wait       fail at once when another build holds the lock\n"
	"      --trigger NAME  what started this build, for its run (default: $PIPE_TRIGGER,\n"
	"                      else manual); `pipe runs` lists the runs\n"
	"  -v, --verbose       say what each target does\n"
	"  -f FILE             read this DAG file instead of pipelines/*.pipe (repeatable)\n"
	"      --profile NAME  the var values of profile NAME in pipelines/profiles\n"
	"                      (default: $PIPE_PROFILE, else the name in .pipe/profile)\n"
	"  NAME=value          override a `var` of the DAG files (and of the profile)\n";

static const char status_help[] =
	"usage: pipe status [-f FILE] [--profile NAME] [TARGET...] [NAME=value...]\n"
	"\n"
	"Prints every selected target: up to date, or stale and why.  Exits 0; with\n"
	"--check, exits 1 when anything is stale.\n";

static const char dag_help[] =
	"usage: pipe dag [--dot] [-f FILE] [--profile NAME] [TARGET...]\n"
	"\n"
	"Prints the targets in build order with their inputs; --dot prints Graphviz.\n";

static const char log_help[] =
	"usage: pipe log [-n N] [TARGET]\n"
	"\n"
	"The build history, newest first, from the git repository in state/;\n"
	"with TARGET, only the builds that changed its record.\n";

static const char diff_help[] =
	"usage: pipe diff [REV [REV]]\n"
	"       pipe diff REV REV TARGET\n"
	"\n"
	"Which targets changed output or status between two commits of state/\n"
	"(default: the last build, HEAD~1..HEAD).  REV is any git revision.\n"
	"With TARGET, how its data moved: its rows, and per column the NULLs,\n"
	"distinct values and range its builds recorded (docs/checks.md).\n";

static const char show_help[] =
	"usage: pipe show TARGET\n"
	"\n"
	"Prints the target's state record (state/targets/TARGET.state).\n";

static const char query_help[] =
	"usage: pipe query [--dry-run] [--explain] [--json] [--max-bytes-billed N] [--memory SIZE]\n"
	"                  [--at REV] [--] SQL\n"
	"\n"
	"Runs one GoogleSQL statement on the tables in targets/ and prints the rows\n"
	"and the bytes BigQuery would process and bill for it.  It writes only\n"
	"scratch tables: a table a target of the DAG owns is refused (exit 2).\n"
	"\n"
	"  --dry-run             plan and estimate only, as a BigQuery dry run\n"
	"  --json                machine-readable output\n"
	"  --explain             print the plan (joins, keys, filters, pruning), run nothing\n"
	"  --max-bytes-billed N  refuse, before reading anything, what would bill more\n"
	"  --memory SIZE         what joins, aggregates, sorts and windows may hold\n"
	"                        (512M, 2G; default $PIPE_MEMORY, else 2G)\n"
	"  --at REV              the tables as the state commit REV recorded them, from\n"
	"                        the cache; targets/ is not read or changed\n"
	"  --                    what follows is SQL, even if it starts with - (SQL that\n"
	"                        starts with a comment, \"-- \" or \"--\" and a newline, is\n"
	"                        SQL without it)\n";

static const char init_help[] =
	"usage: pipe init\n"
	"\n"
	"Creates pipelines/, targets/ and state/ (a git repository) in the current\n"
	"directory.  Running it again changes nothing.\n";

static const char tables_help[] =
	"usage: pipe tables\n\nLists the tables in targets/ with their row counts.\n";
static const char schema_help[] =
	"usage: pipe schema TABLE\n\nPrints a table's columns, partitioning and clustering.\n";

/* A usage error of one command already names it ("pipe log: ..."). */
static int fail(int code, const char *msg)
{
	fflush(stdout);
	fprintf(stderr, "%s%s\n", str_starts(msg, "pipe ") ? "" : "pipe: ", msg);
	return code;
}

static int error_exit(int error)
{
	if (error == PIPE_EUSAGE)
		return fail(EXIT_USAGE, error_last());
	return fail(EXIT_ERROR, error_last());
}

static bool is_help(const char *a) { return !strcmp(a, "--help") || !strcmp(a, "-h"); }


static int number_option(const char *command, const char *option, const char *value, int *out)
{
	char *end;
	long n;
	if (!value)
		return error_setcode(PIPE_EUSAGE, "pipe %s: %s expects a number (see pipe %s --help)",
		                     command, option, command);
	n = strtol(value, &end, 10);
	if (!*value || *end || n < 0 || n > 1000000000)
		return error_setcode(PIPE_EUSAGE, "pipe %s: %s expects a number, got %s", command,
		                     option, value);
	*out = (int)n;
	return 0;
}

/* Commands that take no options but --help. */
static int no_options(const char *command, int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (argv[i][0] == '-' && argv[i][1] && !is_help(argv[i]))
			return project_unknown_option(command, argv[i]);
	return 0;
}


static int parse_jobs(const char *s, int *jobs)
{
	char *end;
	long n = strtol(s, &end, 10);
	if (*end || n < 1 || n > 1024)
		return error_setcode(PIPE_EUSAGE, "-j wants a number of jobs from 1 to 1024, not '%s'", s);
	*jobs = (int)n;
	return 0;
}

/* A run's trigger is a word: it is a line of the run's file (runs.c). */
static int check_trigger(const char *name)
{
	size_t n = strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-");
	if (!n || name[n] || n > 32)
		return error_setcode(PIPE_EUSAGE, "--trigger (or $PIPE_TRIGGER) '%s' is not a trigger name: "
		                     "up to 32 of a-z, 0-9, '_' and '-', such as serve", name);
	return 0;
}

static int cmd_build(int argc, char **argv)
{
	struct project p = {0};
	struct build_opts o = {0};
	const char *from = NULL;
	bool *forced = NULL;
	int error = 0, code;

	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		if (is_help(s)) {
			fputs(build_help, stdout);
			return 0;
		} else if (!strcmp(s, "--from")) {
			if (i + 1 >= argc || from) {
				error = error_setcode(PIPE_EUSAGE, from ? "--from is given once"
				                                        : "--from needs a target");
				goto done;
			}
			project_add_word(&p.args, argv[++i]);
			from = argv[i];
		} else if (!strcmp(s, "-n") || !strcmp(s, "--dry-run")) {
			o.dry_run = true;
		} else if (!strcmp(s, "-k") || !strcmp(s, "--keep-going")) {
			o.keep_going = true;
		} else if (!strcmp(s, "-B") || !strcmp(s, "--force")) {
			o.force = true;
		} else if (!strcmp(s, "--full-refresh")) {
			o.full_refresh = true;
		} else if (!strcmp(s, "--no-wait")) {
			o.no_wait = true;
		} else if (!strcmp(s, "--trigger")) {
			if (i + 1 >= argc) {
				error = error_setcode(PIPE_EUSAGE, "--trigger needs a name (manual, serve, ...)");
				goto done;
			}
			o.trigger = argv[++i];
		} else if (!strcmp(s, "-v") || !strcmp(s, "--verbose")) {
			o.verbose++;
		} else if (!strcmp(s, "-j")) {
			if (i + 1 >= argc) {
				error = error_setcode(PIPE_EUSAGE, "-j needs a number of jobs");
				goto done;
			}
			if ((error = parse_jobs(argv[++i], &o.jobs)) < 0)
				goto done;
		} else if (str_starts(s, "-j") && s[2]) {
			if ((error = parse_jobs(s + 2, &o.jobs)) < 0)
				goto done;
		} else if ((error = project_word(&p.args, argc, argv, &i, "build")) < 0) {
			goto done;
		}
	}
	if (!o.trigger)
		o.trigger = getenv("PIPE_TRIGGER");
	if (o.trigger && (error = check_trigger(o.trigger)) < 0)
		goto done;
	index_prefetch(PIPE_INDEX_PATH); /* read while the DAG files are parsed */
	if ((error = project_load(&p)) < 0 || (error = project_open_warehouse(&p.args, &o.warehouse)) < 0 ||
	    (error = hash_init()) < 0)
		goto done;
	if (from) {
		/* project_load selected it and its inputs; its users come too */
		int k = graph_find(&p.g, from);
		graph_select_users(&p.g, k, p.sel);
		forced = xcalloc(p.g.n, sizeof(bool));
		forced[k] = true;
		o.forced = forced;
	}
	if (!getenv("PIPE_NOW")) {
		/* one CURRENT_TIMESTAMP for every statement of the build (docs/sql.md) */
		char now[32];
		time_iso(time_wall_s(), now);
		setenv("PIPE_NOW", now, 1);
	}
	error = build_run(&p.g, p.sel, &o);
done:
	index_prefetch_end();
	code = error < 0 ? error_exit(error) : error;
	if (error == PIPE_ELOCKED)
		code = EXIT_FAILED;
	backend_close(o.warehouse);
	project_free(&p);
	free(forced);
	return code;
}

static int cmd_status(int argc, char **argv)
{
	struct project p = {0};
	bool check = false;
	int error = 0, code;
	for (int i = 1; i < argc; i++) {
		if (is_help(argv[i])) {
			fputs(status_help, stdout);
			return 0;
		} else if (!strcmp(argv[i], "--check")) {
			check = true;
		} else if ((error = project_word(&p.args, argc, argv, &i, "status")) < 0) {
			goto done;
		}
	}
	index_prefetch(PIPE_INDEX_PATH);
	if ((error = project_load(&p)) < 0 || (error = hash_init()) < 0)
		goto done;
	error = build_status(&p.g, p.sel, false);
done:
	index_prefetch_end();
	code = error < 0 ? error_exit(error) : (check && error > 0 ? EXIT_FAILED : 0);
	project_free(&p);
	return code;
}

static const char test_help[] =
	"usage: pipe test [-f FILE] [--profile NAME] [TARGET...] [NAME=value...]\n"
	"\n"
	"Runs the checks (checks, warn, checks_sql: docs/checks.md) of the named\n"
	"targets, or of every target that has any, on their outputs as the last\n"
	"build left them.  Builds and records nothing.  Exits 1 when a check fails\n"
	"or a target is not built yet.\n";

static int cmd_test(int argc, char **argv)
{
	struct project p = {0};
	struct backend *wh = NULL;
	int error = 0, code;
	for (int i = 1; i < argc; i++) {
		if (is_help(argv[i])) {
			fputs(test_help, stdout);
			return 0;
		} else if ((error = project_word(&p.args, argc, argv, &i, "test")) < 0) {
			goto done;
		}
	}
	if ((error = project_load(&p)) < 0 || (error = project_open_warehouse(&p.args, &wh)) < 0)
		goto done;
	/* the named targets alone, not what they depend on */
	for (size_t i = 0; p.args.ntargets && i < p.g.n; i++) {
		p.sel[i] = false;
		for (size_t k = 0; k < p.args.ntargets; k++)
			p.sel[i] |= !strcmp(p.g.nodes[i].t->name, p.args.targets[k]);
	}
	error = audit_run(&p.g, p.sel, wh);
done:
	code = error < 0 ? error_exit(error) : error;
	backend_close(wh);
	project_free(&p);
	return code;
}

static const char due_help[] =
	"usage: pipe due [-f FILE] [--profile NAME] [TARGET...] [NAME=value...]\n"
	"\n"
	"Lists each selected target that has a schedule (every or cron): its\n"
	"schedule, its last successful build and when it is next due, in its tz.\n";

/* "every = 1h" or "cron = 0 * * * *, tz = Europe/Paris". */
static void schedule_text(const struct target *t, struct buf *out)
{
	const char *every = target_value(t, "every"), *tz = target_value(t, "tz");
	buf_printf(out, every ? "every = %s" : "cron = %s", every ? every : target_value(t, "cron"));
	if (tz)
		buf_printf(out, ", tz = %s", tz);
}

static int cmd_due(int argc, char **argv)
{
	struct project p = {0};
	struct index *ix = NULL;
	struct buf schedule = BUF_INIT;
	int error = 0, code, width = 0, schedule_width = 0;
	int64_t now = time_wall_s();
	for (int i = 1; i < argc; i++) {
		if (is_help(argv[i])) {
			fputs(due_help, stdout);
			return 0;
		} else if ((error = project_word(&p.args, argc, argv, &i, "due")) < 0) {
			goto done;
		}
	}
	if ((error = project_load(&p)) < 0 || (error = index_load(&ix, PIPE_INDEX_PATH)) < 0)
		goto done;
	for (size_t i = 0; i < p.g.n; i++) {
		const struct target *t = p.g.nodes[i].t;
		const char *every = target_value(t, "every"), *cron = target_value(t, "cron");
		if (!p.sel[i] || (!every && !cron))
			continue;
		if ((int)strlen(t->name) > width)
			width = (int)strlen(t->name);
		buf_clear(&schedule);
		schedule_text(t, &schedule);
		if ((int)schedule.len > schedule_width)
			schedule_width = (int)schedule.len;
	}
	for (size_t k = 0; k < p.g.n; k++) {
		const struct target *t = p.g.nodes[p.g.order[k]].t;
		const char *every = target_value(t, "every"), *cron = target_value(t, "cron");
		const char *tz = target_value(t, "tz");
		char last_text[32] = "never", next_text[32] = "now";
		int64_t last, next = -1;
		if (!p.sel[p.g.order[k]] || (!every && !cron))
			continue;
		last = scheduler_last_build(ix, t->name);
		if (last >= 0) {
			cron_time(last, tz, last_text);
			next = schedule_next(every, cron, tz, last);
			if (next < 0)
				strcpy(next_text, "never");
			else
				cron_time(next, tz, next_text);
		}
		buf_clear(&schedule);
		schedule_text(t, &schedule);
		printf("%-*s  %-*s  last %-25s  next %s%s\n", width, t->name, schedule_width, buf_cstr(&schedule),
		       last_text, next_text, last >= 0 && next >= 0 && next <= now ? " (due now)" : "");
	}
done:
	code = error < 0 ? error_exit(error) : 0;
	buf_free(&schedule);
	index_free(ix);
	project_free(&p);
	return code;
}

static const char scheduler_help[] =
	"usage: pipe scheduler [options] [-f FILE] [--profile NAME] [TARGET...] [NAME=value...]\n"
	"\n"
	"Runs until SIGTERM or Ctrl-C: builds the scheduled targets (every, cron) when\n"
	"they are due, with what depends on them, then sleeps until the next due time.\n"
	"Reads the DAG files again when pipelines/ changes or on SIGHUP.  One per\n"
	"project (.pipe/scheduler.lock).  See docs/orchestration.md.\n"
	"\n"
	"  -j N            build N targets at once\n"
	"  -v, --verbose   say what each target does\n"
	"  --until TIME    stop when the clock reaches TIME (2026-12-02T18:00:00Z)\n"
	"  --systemd       print a systemd unit that runs the scheduler, and exit\n"
	"  --cron          print crontab lines that run pipe build instead, and exit\n";

/* The command line's project words, parsed again at each reload of the DAG
 * (pipelines/ is listed again too: a new file counts). */
struct scheduler_words {
	char **argv;
	int argc;
};

static int scheduler_load(void *arg, const struct graph **g, const bool **selected, void **dag)
{
	struct scheduler_words *w = arg;
	struct project *p = xcalloc(1, sizeof(*p));
	int error = 0;
	for (int i = 0; i < w->argc && error >= 0; i++)
		error = project_word(&p->args, w->argc, w->argv, &i, "scheduler");
	if (error < 0 || (error = project_load(p)) < 0) {
		project_free(p);
		free(p);
		return error;
	}
	*g = &p->g;
	*selected = p->sel;
	*dag = p;
	return 0;
}

static void scheduler_free(void *arg, void *dag)
{
	(void)arg;
	project_free(dag);
	free(dag);
}

static int cmd_scheduler(int argc, char **argv)
{
	struct scheduler_opts o = {.load_dag = scheduler_load, .free_dag = scheduler_free, .until = -1};
	struct scheduler_words words = {xcalloc((size_t)argc + 1, sizeof(char *)), 0};
	const struct graph *g;
	const bool *sel;
	void *dag = NULL;
	bool systemd = false, cron = false;
	int error = 0, code;

	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		if (is_help(s)) {
			fputs(scheduler_help, stdout);
			free(words.argv);
			return 0;
		} else if (!strcmp(s, "--systemd")) {
			systemd = true;
		} else if (!strcmp(s, "--cron")) {
			cron = true;
		} else if (!strcmp(s, "-v") || !strcmp(s, "--verbose")) {
			o.build.verbose++;
		} else if (!strcmp(s, "-j") || !strcmp(s, "--until")) {
			if (i + 1 >= argc) {
				error = error_setcode(PIPE_EUSAGE, "pipe scheduler: %s needs a value", s);
				goto done;
			}
			if (!strcmp(s, "-j") && (error = parse_jobs(argv[++i], &o.build.jobs)) < 0)
				goto done;
			if (!strcmp(s, "--until") && (o.until = time_parse_iso(argv[++i])) < 0) {
				error = error_setcode(PIPE_EUSAGE, "pipe scheduler: --until wants a UTC time "
				                      "like 2026-12-02T18:00:00Z, not '%s'", argv[i]);
				goto done;
			}
		} else {
			/* -f FILE, --profile NAME: the value goes with it */
			words.argv[words.argc++] = argv[i];
			if ((!strcmp(s, "-f") || !strcmp(s, "--profile")) && i + 1 < argc)
				words.argv[words.argc++] = argv[++i];
		}
	}
	if (systemd) {
		error = scheduler_print_systemd(stdout);
		goto done;
	}
	/* a DAG error stops it before it starts */
	if ((error = scheduler_load(&words, &g, &sel, &dag)) < 0)
		goto done;
	if (cron) {
		error = scheduler_print_cron(g, sel, stdout);
		goto done;
	}
	if ((error = project_open_warehouse(&((struct project *)dag)->args, &o.build.warehouse)) < 0 ||
	    (error = hash_init()) < 0)
		goto done;
	scheduler_free(NULL, dag);
	dag = NULL;
	o.arg = &words;
	error = scheduler_run(&o);
done:
	code = error < 0 ? error_exit(error) : 0;
	if (error == PIPE_ELOCKED)
		code = EXIT_FAILED;
	if (dag)
		scheduler_free(NULL, dag);
	backend_close(o.build.warehouse);
	free(words.argv);
	return code;
}

static const char serve_help[] =
	"usage: pipe serve [--listen ADDR:PORT] [-f FILE] [--profile NAME] [TARGET...] [NAME=value...]\n"
	"\n"
	"Serves a web page of the project until Ctrl-C or SIGTERM: the DAG, each\n"
	"target's status, the run history with logs, the reports, and a button that\n"
	"rebuilds a target and what depends on it (pipe build --from), with its\n"
	"output as it runs.  A JSON API under /api/ serves the same data.  See\n"
	"docs/orchestration.md.\n"
	"\n"
	"  --listen ADDR:PORT  where to listen (default 127.0.0.1:8080: this machine\n"
	"                      only; 0.0.0.0:8080 every interface; port 0 any free one)\n";

static int cmd_serve(int argc, char **argv)
{
	struct serve_opts o = {.load_dag = scheduler_load, .free_dag = scheduler_free};
	struct scheduler_words words = {xcalloc((size_t)argc + 1, sizeof(char *)), 0};
	char **build_words = xcalloc((size_t)argc + 1, sizeof(char *));
	const struct graph *g;
	const bool *sel;
	void *dag = NULL;
	int error = 0, code;
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		if (is_help(s)) {
			fputs(serve_help, stdout);
			goto done;
		} else if (!strcmp(s, "--listen") || !strcmp(s, "-f") || !strcmp(s, "--profile")) {
			if (i + 1 >= argc) {
				error = error_setcode(PIPE_EUSAGE, "pipe serve: %s needs a value", s);
				goto done;
			}
			if (!strcmp(s, "--listen")) {
				o.listen = argv[++i];
				continue;
			}
			words.argv[words.argc++] = argv[i];
			build_words[o.nbuild_words++] = xstrdup(s);
			words.argv[words.argc++] = argv[++i];
			/* the build runs in the root: -f stays where serve was started */
			build_words[o.nbuild_words++] = s[1] == 'f' && project_invoked_in() && argv[i][0] != '/'
			                                ? xasprintf("%s%s", project_invoked_in(), argv[i]) : xstrdup(argv[i]);
		} else if (s[0] == '-') {
			error = project_unknown_option("serve", s);
			goto done;
		} else {
			words.argv[words.argc++] = argv[i];
			if (strchr(s, '='))
				build_words[o.nbuild_words++] = xstrdup(s);
		}
	}
	/* a DAG error stops it before it starts */
	if ((error = scheduler_load(&words, &g, &sel, &dag)) < 0 || (error = hash_init()) < 0)
		goto done;
	scheduler_free(NULL, dag);
	dag = NULL;
	o.arg = &words;
	o.build_words = build_words;
	error = serve_run(&o);
done:
	code = error < 0 ? error_exit(error) : 0;
	if (dag)
		scheduler_free(NULL, dag);
	for (size_t k = 0; k < o.nbuild_words; k++)
		free(build_words[k]);
	free(build_words);
	free(words.argv);
	return code;
}

static const char fsck_help[] =
	"usage: pipe fsck [-f FILE] [NAME=value...]\n"
	"\n"
	"Checks each target's output against its state record, that each record\n"
	"parses, the index against the records, and the state repository (HEAD,\n"
	"every commit, records not committed).  Repairs what it can without losing\n"
	"anything more: finishes records a killed build left, puts back a damaged\n"
	"record from HEAD, commits uncommitted records, removes a stale index, starts\n"
	"a new history when state/.git is missing.  Prints one line per problem and\n"
	"what it did; exits 0 when nothing was wrong, 1 when something was.\n";

static int cmd_fsck(int argc, char **argv)
{
	struct project p = {0};
	int error = 0, code;
	for (int i = 1; i < argc; i++) {
		if (is_help(argv[i])) {
			fputs(fsck_help, stdout);
			return 0;
		} else if ((error = project_word(&p.args, argc, argv, &i, "fsck")) < 0) {
			goto done;
		}
	}
	if ((error = project_load(&p)) < 0 || (error = hash_init()) < 0)
		goto done;
	error = fsck_run(&p.g);
done:
	code = error < 0 ? error_exit(error) : (error > 0 ? EXIT_FAILED : 0);
	if (error == PIPE_ELOCKED)
		code = EXIT_FAILED;
	project_free(&p);
	return code;
}

static int cmd_dag(int argc, char **argv)
{
	struct project p = {0};
	bool dot = false;
	int error = 0, code;
	for (int i = 1; i < argc; i++) {
		if (is_help(argv[i])) {
			fputs(dag_help, stdout);
			return 0;
		} else if (!strcmp(argv[i], "--dot")) {
			dot = true;
		} else if ((error = project_word(&p.args, argc, argv, &i, "dag")) < 0) {
			goto done;
		}
	}
	if ((error = project_load(&p)) < 0 ||
	    (error = graph_check_files(&p.g, p.sel)) < 0)
		goto done;
	if (dot) {
		graph_dot(&p.g, p.sel, stdout);
	} else {
		for (size_t k = 0; k < p.g.n; k++) {
			int i = p.g.order[k];
			const struct node *nd = &p.g.nodes[i];
			if (!p.sel[i])
				continue;
			printf("%s %s", nd->t->kind->name, nd->t->name);
			for (size_t d = 0; d < nd->ninputs; d++)
				printf("%s %s", d ? "" : ":", nd->inputs[d].name);
			putchar('\n');
		}
	}
done:
	code = error < 0 ? error_exit(error) : 0;
	project_free(&p);
	return code;
}

/* The project's own git (if any) does not track what pipe makes: targets/
 * is rebuilt from the DAG files, .pipe/ is this checkout's index, lock and
 * profile, and state/ is a git repository of its own, pushed on its own
 * (tracked inside the project's git it would be an embedded repository).
 * Entries already in .gitignore are kept; missing ones are added. */
static int write_gitignore(void)
{
	static const char *const entries[] = {"/targets/", "/.pipe/", "/state/"};
	struct buf b = BUF_INIT;
	size_t len;
	int error = file_read(".gitignore", &b);
	if (error == PIPE_ENOTFOUND) {
		error_clear();
		buf_puts(&b, "# what pipe makes: outputs, local index, its own history (docs/cli.md)\n");
	} else if (error < 0) {
		goto done;
	}
	if (!b.len)
		buf_clear(&b); /* file_read leaves an empty file's buffer without its '\0' */
	len = b.len;
	for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
		const char *text = buf_cstr(&b);
		char *line = xasprintf("\n%s\n", entries[i]);
		bool have = str_starts(text, line + 1) || strstr(text, line);
		free(line);
		if (have)
			continue;
		if (b.len && b.data[b.len - 1] != '\n')
			buf_putc(&b, '\n');
		buf_printf(&b, "%s\n", entries[i]);
	}
	error = b.len == len ? 0 : file_write_atomic(".gitignore", b.data, b.len);
done:
	buf_free(&b);
	return error;
}

/* What pipe init makes besides the state repository (history_init's, or a
 * state pull's into a fresh checkout). */
static int init_dirs(void)
{
	static const char *const dirs[] = {"pipelines", PIPE_TARGETS_DIR, PIPE_STATE_DIR};
	int error = 0;
	for (size_t i = 0; i < 3 && !error; i++)
		error = mkdir_p(dirs[i]);
	return error ? error : write_gitignore();
}

static int cmd_init(int argc, char **argv)
{
	int error = 0;
	if (argc > 1 && is_help(argv[1])) {
		fputs(init_help, stdout);
		return 0;
	}
	if ((error = no_options("init", argc, argv)) < 0)
		return error_exit(error);
	if (argc > 1)
		return fail(EXIT_USAGE, "init takes no arguments (see pipe init --help)");
	if (!(error = init_dirs()))
		error = history_init(PIPE_STATE_DIR);
	if (error < 0)
		return error_exit(error);
	printf("pipe: initialised pipelines/, targets/ and state/ (a git repository)\n");
	return 0;
}

/* A target pipe log is asked about has a state record, or is in the DAG
 * files; otherwise the name is a typo, which the log alone would answer
 * with silence. */
static int check_log_target(const char *target)
{
	struct project p = {0};
	char *rel = state_path(target), *path = path_join(PIPE_STATE_DIR, rel);
	int error = 0;
	if (path_exists(path))
		goto done;
	if (project_load(&p) < 0) {
		error = error_setcode(PIPE_EUSAGE, "pipe log: no target named %s", target);
		goto done;
	}
	if ((error = graph_select(&p.g, &target, 1, p.sel)) < 0)
		error_prefix("pipe log: ");
done:
	free(rel);
	free(path);
	project_free(&p);
	return error;
}

static int cmd_log(int argc, char **argv)
{
	const char *target = NULL;
	int max = 0, error = 0;
	for (int i = 1; i < argc && !error; i++) {
		if (is_help(argv[i])) {
			fputs(log_help, stdout);
			return 0;
		} else if (!strcmp(argv[i], "-n")) {
			error = number_option("log", "-n", i + 1 < argc ? argv[++i] : NULL, &max);
		} else if (argv[i][0] == '-') {
			error = project_unknown_option("log", argv[i]);
		} else if (!target) {
			target = argv[i];
		} else {
			return fail(EXIT_USAGE, "log takes one target (see pipe log --help)");
		}
	}
	if (!error && target)
		error = check_log_target(target);
	if (error < 0 || (error = history_log(PIPE_STATE_DIR, target, max, stdout)) < 0)
		return error_exit(error);
	return 0;
}

/* How a table's figures moved between the records two revisions hold. */
static int diff_target(const char *rev_a, const char *rev_b, const char *target)
{
	const char *revs[2] = {rev_a, rev_b};
	struct state_record recs[2];
	struct buf text = BUF_INIT, out = BUF_INIT;
	char *path = state_path(target);
	int error = 0;
	state_record_init(&recs[0]);
	state_record_init(&recs[1]);
	for (int k = 0; k < 2 && error >= 0; k++) {
		char *where = xasprintf("%s:%s/%s", revs[k], PIPE_STATE_DIR, path);
		if ((error = history_read_at(PIPE_STATE_DIR, revs[k], path, &text)) == PIPE_ENOTFOUND)
			error = error_setcode(PIPE_EUSAGE, "%s has no record of %s at %s", PIPE_STATE_DIR, target, revs[k]);
		else if (error >= 0)
			error = state_parse(buf_cstr(&text), where, &recs[k]);
		free(where);
	}
	if (error < 0)
		goto done;
	buf_printf(&out, "%s  %s -> %s\n", target, rev_a, rev_b);
	if (recs[0].rows != recs[1].rows) {
		buf_printf(&out, "  rows  %lld -> %lld", (long long)recs[0].rows, (long long)recs[1].rows);
		if (recs[0].rows > 0 && recs[1].rows >= 0)
			buf_printf(&out, " (%+.1f%%)", 100.0 * (double)(recs[1].rows - recs[0].rows) / (double)recs[0].rows);
		buf_putc(&out, '\n');
	}
	if (strcmp(recs[0].status ? recs[0].status : "", recs[1].status ? recs[1].status : ""))
		buf_printf(&out, "  status  %s -> %s\n", recs[0].status ? recs[0].status : "none",
		           recs[1].status ? recs[1].status : "none");
	{
		size_t len = out.len;
		checks_stats_diff(state_field(&recs[0], "stats"), state_field(&recs[1], "stats"), &out);
		if (out.len == len && recs[0].rows == recs[1].rows)
			buf_puts(&out, "  no figure moved\n");
	}
	fwrite(out.data, 1, out.len, stdout);
done:
	state_record_free(&recs[0]);
	state_record_free(&recs[1]);
	buf_free(&text);
	buf_free(&out);
	free(path);
	return error;
}

static int cmd_diff(int argc, char **argv)
{
	const char *revs[3] = {NULL, NULL, NULL};
	int n = 0, error;
	for (int i = 1; i < argc; i++) {
		if (is_help(argv[i])) {
			fputs(diff_help, stdout);
			return 0;
		}
		if (argv[i][0] == '-')
			return error_exit(project_unknown_option("diff", argv[i]));
		if (n == 3)
			return fail(EXIT_USAGE, "diff takes at most two revisions and a target (see pipe diff --help)");
		revs[n++] = argv[i];
	}
	if (n == 3) {
		if ((error = diff_target(revs[0], revs[1], revs[2])) < 0)
			return error_exit(error);
		return 0;
	}
	if ((error = history_diff(PIPE_STATE_DIR, revs[0], revs[1], stdout)) < 0)
		return error_exit(error);
	return 0;
}

static int cmd_show(int argc, char **argv)
{
	struct state_record rec = {0};
	struct buf b = BUF_INIT;
	int error;
	if (argc != 2 || is_help(argv[1])) {
		fputs(show_help, argc == 2 ? stdout : stderr);
		return argc == 2 ? 0 : EXIT_USAGE;
	}
	if ((error = no_options("show", argc, argv)) < 0)
		return error_exit(error);
	error = state_read(PIPE_STATE_DIR, argv[1], &rec);
	if (error == PIPE_ENOTFOUND) {
		error_setcode(PIPE_EUSAGE, "no state record for '%s' (never built?)", argv[1]);
		return error_exit(PIPE_EUSAGE);
	}
	if (error < 0 || (error = state_format(&rec, &b)) < 0)
		return error_exit(error);
	fwrite(b.data, 1, b.len, stdout);
	buf_free(&b);
	state_record_free(&rec);
	return 0;
}

/* pipe query never changes a target's output: the next build would
 * replace it, or (append and merge tables) build on it.  A statement that
 * writes a table named after a target, or a child table of one, is refused;
 * other tables are the user's scratch tables.  The DAG is read only when
 * the statement writes; no DAG, nothing is owned. */
static int refuse_owned_table(const char *sql)
{
	struct project_args a = {0};
	struct pipefile pf = {0};
	struct backend_sql_write w;
	const char *last;
	int error = 0;
	if (backend_sql_write(sql, &w) < 0 || !w.table) {
		error_clear(); /* sql_run says what is wrong with it */
		goto done;
	}
	if (project_dag_files(&a.files, &a.nfiles, &a.capfiles) < 0) {
		error_clear();
		goto done;
	}
	if ((error = pipefile_load(&pf, (const char *const *)a.files, a.nfiles, NULL, 0)) < 0) {
		error_prefix("cannot tell which tables the pipeline's targets own: ");
		goto done;
	}
	last = strrchr(w.table, '.');
	last = last ? last + 1 : w.table;
	for (size_t i = 0; i < pf.ntargets && !error; i++) {
		const struct target *t = &pf.targets[i];
		size_t n = strlen(t->name);
		if (str_eq_nocase(last, t->name) || (!strncasecmp(last, t->name, n) && !strncmp(last + n, "__", 2)))
			error = error_setcode(PIPE_EUSAGE, "%s: table %s is the output of target %s (%s:%d): pipe query "
			                      "does not change a target's output; change the pipeline, or copy it into a "
			                      "scratch table: CREATE TABLE scratch.%s_copy AS SELECT * FROM %s",
			                      w.verb, w.table, t->name, t->pos.file, t->pos.line, last, w.table);
	}
done:
	backend_sql_write_free(&w);
	pipefile_free(&pf);
	project_args_free(&a);
	return error;
}

static int cmd_query(int argc, char **argv)
{
	struct backend_query opt = {0};
	struct backend *wh = NULL;
	struct backend_result *r = NULL;
	const char *sql = NULL, *at = NULL;
	char *at_dir = NULL;
	bool json = false, options = true;
	int error;
	for (int i = 1; i < argc; i++) {
		/* SQL that starts with a comment ("-- ...") is no option */
		bool comment = !strncmp(argv[i], "--", 2) && argv[i][2] && strchr(" \t\r\n", argv[i][2]);
		if (options && !strcmp(argv[i], "--")) {
			options = false;
		} else if (!options || comment) {
			if (sql)
				return fail(EXIT_USAGE, "query takes one SQL statement; quote it");
			sql = argv[i];
		} else if (is_help(argv[i])) {
			fputs(query_help, stdout);
			return 0;
		} else if (!strcmp(argv[i], "--dry-run")) {
			opt.dry_run = true;
		} else if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--explain")) {
			opt.explain = true;
		} else if (!strcmp(argv[i], "--memory") && i + 1 < argc) {
			if (parse_size(argv[++i], &opt.memory_limit) < 0)
				return fail(EXIT_USAGE, error_last());
		} else if (!strcmp(argv[i], "--at")) {
			if (i + 1 >= argc)
				return fail(EXIT_USAGE, "--at needs a revision of state/ (HEAD~1, a commit id)");
			at = argv[++i];
		} else if (!strcmp(argv[i], "--max-bytes-billed") && i + 1 < argc) {
			char *end;
			opt.max_bytes_billed = strtoll(argv[++i], &end, 10);
			if (*end || opt.max_bytes_billed <= 0)
				return fail(EXIT_USAGE, "--max-bytes-billed wants a positive number of bytes");
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return error_exit(project_unknown_option("query", argv[i]));
		} else if (!sql) {
			sql = argv[i];
		} else {
			return fail(EXIT_USAGE, "query takes one SQL statement; quote it");
		}
	}
	if (opt.explain && json)
		return fail(EXIT_USAGE, "--explain prints the plan as text; it takes no --json");
	struct buf in = BUF_INIT;
	if (!sql || !strcmp(sql, "-")) {
		char chunk[4096];
		size_t n;
		while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
			buf_add(&in, chunk, n);
		sql = buf_cstr(&in);
		if (!sql[strspn(sql, " \t\r\n")]) {
			buf_free(&in);
			fputs(query_help, stderr);
			return EXIT_USAGE;
		}
	}
	if (at) {
		/* a scratch warehouse of the tables at REV, removed after */
		at_dir = xasprintf(".pipe/at-%ld", (long)getpid());
		rm_rf(at_dir);
		if ((error = hash_init()) < 0 || (error = restore_tables_at(at, at_dir)) < 0 ||
		    (error = backend_open(&wh, "local", at_dir)) < 0) {
			rm_rf(at_dir);
			free(at_dir);
			buf_free(&in);
			return error_exit(error);
		}
	} else if ((error = refuse_owned_table(sql)) < 0 || (error = project_open_warehouse_alone(&wh)) < 0) {
		buf_free(&in);
		return error_exit(error);
	}
	error = backend_query(wh, sql, &opt, &r);
	if (error >= 0)
		error = backend_result_print(r, json, stdout);
	backend_result_free(r);
	backend_close(wh);
	buf_free(&in);
	if (at_dir) {
		rm_rf(at_dir);
		free(at_dir);
	}
	if (error < 0)
		return fail(EXIT_FAILED, error_last());
	return 0;
}

static const char restore_help[] =
	"usage: pipe restore [--missing] [-f FILE] [REV]\n"
	"\n"
	"Makes each target's output what the state commit REV (default HEAD)\n"
	"recorded, from the cache, without building or fetching anything, and\n"
	"commits REV's records to state/.  When the cache lacks any object it lists\n"
	"them and changes nothing (exit 3); --missing only lists them (exit 1 when\n"
	"any is missing).\n";

static int cmd_restore(int argc, char **argv)
{
	struct project p = {0};
	const char *rev = NULL;
	bool list_only = false;
	int error = 0, code;
	for (int i = 1; i < argc; i++) {
		if (is_help(argv[i])) {
			fputs(restore_help, stdout);
			return 0;
		} else if (!strcmp(argv[i], "--missing")) {
			list_only = true;
		} else if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--profile") || argv[i][0] == '-') {
			if ((error = project_word(&p.args, argc, argv, &i, "restore")) < 0)
				goto done;
		} else if (!rev) {
			rev = argv[i];
		} else {
			error = error_setcode(PIPE_EUSAGE, "restore takes one revision (see pipe restore --help)");
			goto done;
		}
	}
	if ((error = project_load(&p)) < 0 || (error = hash_init()) < 0)
		goto done;
	error = restore_run(&p.g, rev, list_only);
done:
	code = error < 0 ? error_exit(error) : error;
	if (error == PIPE_ELOCKED)
		code = EXIT_FAILED;
	project_free(&p);
	return code;
}

static int cmd_tables(int argc, char **argv)
{
	struct backend *wh = NULL;
	char **names = NULL;
	size_t n = 0;
	int error;
	if (argc > 1 && is_help(argv[1])) {
		fputs(tables_help, stdout);
		return 0;
	}
	if ((error = no_options("tables", argc, argv)) < 0)
		return error_exit(error);
	if (argc > 1)
		return fail(EXIT_USAGE, "tables takes no arguments (see pipe tables --help)");
	if ((error = project_open_warehouse_alone(&wh)) < 0)
		return error_exit(error);
	error = backend_list(wh, &names, &n);
	backend_close(wh);
	if (error < 0)
		return error_exit(error);
	for (size_t i = 0; i < n; i++) {
		printf("%s\n", names[i]);
		free(names[i]);
	}
	free(names);
	return 0;
}

static int cmd_schema(int argc, char **argv)
{
	struct backend *wh = NULL;
	struct buf b = BUF_INIT;
	int error;
	if (argc != 2 || is_help(argv[1])) {
		fputs(schema_help, argc == 2 ? stdout : stderr);
		return argc == 2 ? 0 : EXIT_USAGE;
	}
	if ((error = no_options("schema", argc, argv)) < 0)
		return error_exit(error);
	if ((error = project_open_warehouse_alone(&wh)) < 0)
		return error_exit(error);
	error = backend_describe(wh, argv[1], &b);
	backend_close(wh);
	if (error < 0) {
		buf_free(&b);
		return fail(EXIT_FAILED, error_last());
	}
	fwrite(b.data, 1, b.len, stdout);
	buf_free(&b);
	return 0;
}

static const char verify_help[] =
	"usage: pipe verify [-f FILE] [--profile NAME] [TARGET...] [NAME=value...]\n"
	"\n"
	"Builds each selected target again in a scratch directory, from the inputs\n"
	"its record names, and compares the output's hash with the record's; a\n"
	"snapshot, or an append or merge table, is checked by its stored bytes.\n"
	"One line per target: ok, MISMATCH (the first differing file), missing or\n"
	"stale.  Changes nothing.  Exits 1 on any mismatch.\n";

static int cmd_verify(int argc, char **argv)
{
	struct project p = {0};
	struct backend *wh = NULL;
	int error = 0, code;
	for (int i = 1; i < argc; i++) {
		if (is_help(argv[i])) {
			fputs(verify_help, stdout);
			return 0;
		} else if ((error = project_word(&p.args, argc, argv, &i, "verify")) < 0) {
			goto done;
		}
	}
	if ((error = project_load(&p)) < 0 || (error = project_open_warehouse(&p.args, &wh)) < 0 ||
	    (error = hash_init()) < 0)
		goto done;
	error = verify_run(&p.g, p.sel, wh);
done:
	code = error < 0 ? error_exit(error) : error;
	if (error == PIPE_ELOCKED)
		code = EXIT_FAILED;
	backend_close(wh);
	project_free(&p);
	return code;
}

static const char cache_help[] =
	"usage: pipe cache push DEST | pull SRC | gc [--keep-last N] [--older-than AGE]\n"
	"\n"
	"The cache of outputs ($PIPE_CACHE, else .pipe/cache).  push sends the\n"
	"objects DEST lacks; pull fetches those the cache lacks (from a server:\n"
	"those state/'s records need).  DEST and SRC are a directory or an\n"
	"http(s):// URL of a Bazel remote cache ($PIPE_CACHE_TOKEN: a Bearer token).\n"
	"gc removes the objects no commit of state/ refers to; with --keep-last N\n"
	"or --older-than AGE (30d, 12h) only the newest N commits, or those newer\n"
	"than AGE, keep theirs (HEAD always does).\n";

static void say_bytes(uint64_t n, char out[32])
{
	if (n >= 10u << 20)
		snprintf(out, 32, "%.0f MB", (double)n / (1 << 20));
	else if (n >= 10u << 10)
		snprintf(out, 32, "%.0f kB", (double)n / (1 << 10));
	else
		snprintf(out, 32, "%llu bytes", (unsigned long long)n);
}

static int cmd_cache(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : NULL;
	char size[32];
	int error = 0, lock_fd = -1;
	if (!verb || is_help(verb)) {
		fputs(cache_help, verb ? stdout : stderr);
		return verb ? 0 : EXIT_USAGE;
	}
	if (!strcmp(verb, "push") || !strcmp(verb, "pull")) {
		struct cache_transfer_stats st;
		bool push = !strcmp(verb, "push");
		if (argc != 3 || argv[2][0] == '-')
			return fail(EXIT_USAGE, push ? "cache push takes a directory or URL to send to (see pipe cache --help)"
			                             : "cache pull takes a directory or URL to fetch from (see pipe cache --help)");
		if ((error = hash_init()) < 0 || (error = cache_transfer(argv[2], push, &st)) < 0)
			return error_exit(error);
		say_bytes(st.bytes, size);
		printf("pipe cache %s: %zu object%s %s (%s), %zu already there", verb, st.sent,
		       st.sent == 1 ? "" : "s", push ? "sent" : "fetched", size, st.present);
		if (st.absent)
			printf(", %zu the server lacks or holds damaged", st.absent);
		printf("\n");
		return 0;
	}
	if (!strcmp(verb, "gc")) {
		struct cache_gc_stats st;
		int keep_last = 0;
		int64_t newer_than = 0;
		for (int i = 2; i < argc && !error; i++) {
			if (!strcmp(argv[i], "--keep-last")) {
				error = number_option("cache gc", "--keep-last", i + 1 < argc ? argv[++i] : NULL, &keep_last);
			} else if (!strcmp(argv[i], "--older-than") && i + 1 < argc) {
				int64_t age = duration_parse(argv[++i]);
				if (age <= 0)
					return fail(EXIT_USAGE, "--older-than wants an age: 30d, 12h, 90m");
				newer_than = time_wall_s() - age;
			} else {
				error = project_unknown_option("cache gc", argv[i]);
			}
		}
		if (error < 0 || (error = build_lock(&lock_fd)) < 0 || (error = cache_gc(keep_last, newer_than, &st)) < 0) {
			if (lock_fd >= 0)
				close(lock_fd);
			return error == PIPE_ELOCKED ? (error_exit(error), EXIT_FAILED) : error_exit(error);
		}
		close(lock_fd);
		say_bytes(st.freed, size);
		printf("pipe cache gc: %zu object%s removed, %s freed; %zu kept\n", st.removed,
		       st.removed == 1 ? "" : "s", size, st.kept);
		return 0;
	}
	return fail(EXIT_USAGE, "cache: push, pull or gc (see pipe cache --help)");
}

static const char state_help[] =
	"usage: pipe state push REMOTE | pull REMOTE\n"
	"\n"
	"Sends state/'s history to REMOTE (a path or a git URL), or fetches it and\n"
	"fast-forwards state/ to it (in a fresh checkout, making targets/ and state/\n"
	"first, as pipe init does).  An https remote's password is\n"
	"$PIPE_STATE_TOKEN, never stored.  pull refuses when the two have each\n"
	"recorded builds the other lacks; push, when the remote has builds state/\n"
	"lacks.\n";

static int cmd_state(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : NULL;
	struct buf said = BUF_INIT;
	int error = 0, lock_fd = -1;
	if (!verb || is_help(verb)) {
		fputs(state_help, verb ? stdout : stderr);
		return verb ? 0 : EXIT_USAGE;
	}
	if ((strcmp(verb, "push") && strcmp(verb, "pull")) || argc != 3 || argv[2][0] == '-')
		return fail(EXIT_USAGE, "state: push REMOTE or pull REMOTE (see pipe state --help)");
	if (!strcmp(verb, "push")) {
		error = history_push(PIPE_STATE_DIR, argv[2], &said);
	} else if ((error = build_lock(&lock_fd)) == 0) {
		if (history_uncommitted(PIPE_STATE_DIR))
			error = error_set("state/ holds records a killed build did not commit: run pipe build "
			                  "(or pipe fsck) first, so that the pull loses none");
		else if ((path_exists(PIPE_STATE_DIR) || (error = init_dirs()) == 0) &&
		         (error = history_pull(PIPE_STATE_DIR, argv[2], &said)) == 0 && unlink(PIPE_INDEX_PATH) < 0)
			error_clear(); /* the index is only stat data: made again from the records */
	}
	if (lock_fd >= 0)
		close(lock_fd);
	if (error < 0) {
		buf_free(&said);
		return error == PIPE_ELOCKED ? (error_exit(error), EXIT_FAILED) : error_exit(error);
	}
	printf("pipe state %s: %s\n", verb, buf_cstr(&said));
	buf_free(&said);
	return 0;
}

static const char runs_help[] =
	"usage: pipe runs [-n N] [--json]\n"
	"       pipe runs show [--json] [ID]\n"
	"       pipe runs prune [--keep-last N] [--older-than AGE]\n"
	"\n"
	"The run history in state/runs/: each build that ran anything, newest\n"
	"first, with its trigger, result, start, the targets built, failed,\n"
	"skipped, restored and satisfied, and how long it took.  show prints one\n"
	"run (default: the newest) with each target's log.  prune removes the\n"
	"runs beyond the newest N, or older than AGE (30d, 12h), in one commit;\n"
	"without options, those past the bound every build keeps: the newest\n"
	"1000, of the last 90 days (docs/orchestration.md).\n";

static int cmd_runs(int argc, char **argv)
{
	const char *verb = argc > 1 && argv[1][0] != '-' ? argv[1] : NULL, *id = NULL;
	int max = 0, keep_last = 0, error = 0, lock_fd = -1;
	int64_t older = 0;
	bool json = false;
	struct buf out = BUF_INIT;
	if (verb && strcmp(verb, "show") && strcmp(verb, "prune"))
		return fail(EXIT_USAGE, "runs: list (no word), show [ID] or prune (see pipe runs --help)");
	for (int i = verb ? 2 : 1; i < argc && !error; i++) {
		const char *a = argv[i];
		if (is_help(a)) {
			fputs(runs_help, stdout);
			return 0;
		} else if (!verb && !strcmp(a, "-n")) {
			error = number_option("runs", "-n", i + 1 < argc ? argv[++i] : NULL, &max);
		} else if (verb && !strcmp(verb, "prune") && !strcmp(a, "--keep-last")) {
			if ((error = number_option("runs prune", "--keep-last", i + 1 < argc ? argv[++i] : NULL,
			                           &keep_last)) == 0 && keep_last < 1)
				error = error_setcode(PIPE_EUSAGE, "pipe runs prune: --keep-last keeps 1 run or more");
		} else if (verb && !strcmp(verb, "prune") && !strcmp(a, "--older-than")) {
			const char *v = i + 1 < argc ? argv[++i] : "";
			if ((older = duration_parse(v)) <= 0)
				error = error_setcode(PIPE_EUSAGE, "pipe runs prune: --older-than expects an age "
				                      "such as 30d, 12h or 2w, got '%s'", v);
		} else if ((!verb || !strcmp(verb, "show")) && !strcmp(a, "--json")) {
			json = true;
		} else if (a[0] == '-') {
			error = project_unknown_option(verb ? (!strcmp(verb, "show") ? "runs show" : "runs prune") : "runs", a);
		} else if (verb && !strcmp(verb, "show") && !id) {
			id = a;
		} else {
			return fail(EXIT_USAGE, "runs: too many words (see pipe runs --help)");
		}
	}
	if (error < 0)
		return error_exit(error);
	if (!verb && json) {
		if ((error = runs_list_json(PIPE_STATE_DIR, max, &out)) == 0)
			printf("%s\n", buf_cstr(&out));
	} else if (!verb) {
		error = runs_list_print(PIPE_STATE_DIR, max, stdout);
	} else if (!strcmp(verb, "show") && json && id) {
		if ((error = runs_show_json(PIPE_STATE_DIR, id, &out)) == 0)
			printf("%s\n", buf_cstr(&out));
	} else if (!strcmp(verb, "show") && json) {
		error = error_setcode(PIPE_EUSAGE, "pipe runs show --json needs the run's ID");
	} else if (!strcmp(verb, "show")) {
		error = runs_show_print(PIPE_STATE_DIR, id, stdout);
	} else if ((error = build_lock(&lock_fd)) == 0) {
		if (!keep_last && !older) {
			keep_last = RUNS_KEEP;
			older = (int64_t)RUNS_KEEP_DAYS * 86400;
		}
		if ((error = runs_prune_commit(PIPE_STATE_DIR, keep_last, older ? time_wall_s() - older : 0)) >= 0)
			printf("pipe runs prune: %d run%s removed\n", error, error == 1 ? "" : "s");
	}
	buf_free(&out);
	if (lock_fd >= 0)
		close(lock_fd);
	if (error == PIPE_ENOTFOUND)
		return fail(EXIT_USAGE, error_last());
	if (error < 0)
		return error == PIPE_ELOCKED ? (error_exit(error), EXIT_FAILED) : error_exit(error);
	return 0;
}

static void on_sigpipe(int sig) { (void)sig; }

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} commands[] = {
		{"build", cmd_build}, {"status", cmd_status}, {"due", cmd_due}, {"dag", cmd_dag},
		{"test", cmd_test},
		{"init", cmd_init},   {"log", cmd_log},       {"diff", cmd_diff},
		{"show", cmd_show},   {"query", cmd_query},   {"tables", cmd_tables},
		{"schema", cmd_schema}, {"fsck", cmd_fsck}, {"scheduler", cmd_scheduler},
		{"restore", cmd_restore}, {"verify", cmd_verify}, {"cache", cmd_cache},
		{"state", cmd_state}, {"runs", cmd_runs}, {"serve", cmd_serve},
	};
	int i = 1;
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	/* a closed stdout (pipe build | head -1) fails the writes with EPIPE
	 * instead of killing a build between two of its steps.  Caught, not
	 * ignored: commands get SIGPIPE back at exec, as `yes | head` needs */
	signal(SIGPIPE, on_sigpipe);
	while (i < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "--version")) {
			puts("pipe " PIPE_VERSION);
			return 0;
		} else if (is_help(argv[i])) {
			fputs(usage_text, stdout);
			return 0;
		} else if (!strcmp(argv[i], "-C") && i + 1 < argc) {
			if (chdir(argv[i + 1]) < 0) {
				fprintf(stderr, "pipe: -C %s: cannot enter the directory\n", argv[i + 1]);
				return EXIT_USAGE;
			}
			i += 2;
		} else {
			fprintf(stderr, "pipe: unknown option %s\n\n%s", argv[i], usage_text);
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[i], "help")) {
		fputs(usage_text, stdout);
		return 0;
	}
	for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++) {
		if (!strcmp(argv[i], commands[k].name)) {
			if (commands[k].fn != cmd_init)
				project_enter_root();
			int code = commands[k].fn(argc - i, argv + i);
			fflush(stdout);
			exit(code);
		}
	}
	fprintf(stderr, "pipe: unknown command '%s' (see pipe --help)\n", argv[i]);
	return EXIT_USAGE;
}
