/* project: what a command works on.  The project root, found as git finds
 * a work tree; the DAG files (-f FILE, else the .pipe files in
 * pipelines/); the profile and its vars; the command line's words (target
 * names, NAME=value); the graph they make; and the warehouse the profile
 * names. */
#include "project.h"
#include "state.h"
#include "util.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The options every command rejects the same way. */
int project_unknown_option(const char *command, const char *option)
{
	return error_setcode(PIPE_EUSAGE, "pipe %s: unknown option %s (see pipe %s --help)",
	                     command, option, command);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The DAG files: -f FILE..., or every .pipe file in pipelines/, by name. */
int project_dag_files(char ***files, size_t *n, size_t *cap)
{
	DIR *d;
	struct dirent *e;
	if (*n)
		return 0;
	if (!(d = opendir("pipelines")))
		return error_setcode(PIPE_EUSAGE, "no pipelines/ directory here: run `pipe init`, "
		                                  "or give a DAG file with -f FILE");
	while ((e = readdir(d))) {
		if (!str_ends(e->d_name, ".pipe") || e->d_name[0] == '.')
			continue;
		grow_array(files, cap, *n + 1, sizeof(char *));
		(*files)[(*n)++] = xasprintf("pipelines/%s", e->d_name);
	}
	closedir(d);
	if (!*n)
		return error_setcode(PIPE_EUSAGE, "no pipelines/*.pipe files: write one "
		                                  "(docs/pipe-file.md), or give -f FILE");
	qsort(*files, *n, sizeof(char *), cmp_str);
	return 0;
}

/* Where pipe was started, relative to the project root ("" at the root,
 * "pipelines/" inside it): -f FILE is relative to it. */
static char *invoked_in;

/* pipe finds the project root as git finds a work tree: the nearest
 * directory, this one or above, holding pipelines/ or .pipe/.  Elsewhere
 * it stays where it is, and says what is missing there. */
void project_enter_root(void)
{
	char *start = getcwd(NULL, 0), *root = NULL;
	if (!start)
		return;
	for (;;) {
		free(root);
		if (!(root = getcwd(NULL, 0)))
			break;
		if (path_is_dir("pipelines") || path_is_dir(".pipe")) {
			size_t n = strlen(root);
			invoked_in = !strcmp(root, start) ? NULL
			           : xasprintf("%s/", start + n + (n > 1 ? 1 : 0));
			break;
		}
		if (!strcmp(root, "/") || chdir("..") < 0) {
			if (chdir(start) < 0)
				perror(start);
			break;
		}
	}
	free(root);
	free(start);
}

/* Profiles: named sets of var values in pipelines/profiles, chosen with
 * --profile NAME, else $PIPE_PROFILE, else the name in .pipe/profile (the
 * checkout's own choice, which `make demo` writes); none when all three
 * are empty. */
#define PROFILES_PATH "pipelines/profiles"
#define PROFILE_CHOICE_PATH ".pipe/profile"

static int load_profile(struct project_args *a)
{
	struct buf chosen = BUF_INIT;
	const char *name = a->profile;
	int error = 0;
	if (!name || !*name)
		name = getenv("PIPE_PROFILE");
	if ((!name || !*name) && file_read(PROFILE_CHOICE_PATH, &chosen) == 0 && chosen.len)
		name = str_trim(chosen.data);
	error_clear();
	if (name && *name)
		error = pipefile_profile(PROFILES_PATH, name, &a->profile_vars, &a->nprofile_vars, &a->warehouse);
	buf_free(&chosen);
	return error;
}

void project_args_free(struct project_args *a)
{
	for (size_t i = 0; i < a->nfiles; i++)
		free(a->files[i]);
	free(a->files);
	free(a->targets);
	free(a->overrides);
	for (size_t i = 0; i < a->nprofile_vars; i++)
		free(a->profile_vars[i]);
	free(a->profile_vars);
	free(a->warehouse);
}

/* The warehouse: $PIPE_WAREHOUSE, else the profile's warehouse line, else
 * the local one (backend.h).  Call after load_profile. */
int project_open_warehouse(const struct project_args *a, struct backend **out)
{
	const char *name = getenv("PIPE_WAREHOUSE");
	int error = 0;
	if (name && *name) {
		if ((error = backend_open(out, name, PIPE_TARGETS_DIR)) < 0) {
			error_prefix("PIPE_WAREHOUSE=%s: ", name);
			return error;
		}
	} else if ((error = backend_open(out, a->warehouse ? a->warehouse : "local", PIPE_TARGETS_DIR)) < 0) {
		return error;
	}
	/* the profile's bigquery_* values say where BigQuery's tables live */
	for (size_t i = 0; i < a->nprofile_vars && error >= 0; i++) {
		char *eq = strchr(a->profile_vars[i], '='), *key;
		if (!str_starts(a->profile_vars[i], "bigquery_") || !eq)
			continue;
		key = xstrndup(a->profile_vars[i], (size_t)(eq - a->profile_vars[i]));
		error = backend_option(*out, key, eq + 1);
		free(key);
	}
	if (error < 0) {
		backend_close(*out);
		*out = NULL;
	}
	return error;
}

/* For the commands that read no DAG file (query, tables, schema): the
 * warehouse the chosen profile names, unless $PIPE_WAREHOUSE says. */
int project_open_warehouse_alone(struct backend **out)
{
	struct project_args a = {0};
	const char *env = getenv("PIPE_WAREHOUSE");
	int error = 0;
	if ((!env || !*env) && (error = load_profile(&a)) < 0)
		goto done;
	error = project_open_warehouse(&a, out);
done:
	project_args_free(&a);
	return error;
}

/* Positional words: NAME=value overrides a var, anything else names a target. */
void project_add_word(struct project_args *a, char *w)
{
	const char *eq = strchr(w, '=');
	if (eq && eq > w) {
		grow_array(&a->overrides, &a->capoverrides, a->noverrides + 1, sizeof(char *));
		a->overrides[a->noverrides++] = w;
	} else {
		grow_array(&a->targets, &a->captargets, a->ntargets + 1, sizeof(char *));
		a->targets[a->ntargets++] = w;
	}
}

/* The words every project command takes: -f FILE, NAME=value, target
 * names.  Returns 1 when argv[*i] was one (and moves *i past its value), 0
 * when it is an option of the command's own, or a usage error. */
int project_word(struct project_args *a, int argc, char **argv, int *i,
                        const char *command)
{
	const char *s = argv[*i];
	if (!strcmp(s, "--profile")) {
		if (*i + 1 >= argc)
			return error_setcode(PIPE_EUSAGE, "pipe %s: --profile needs a name (see pipe %s --help)",
			                     command, command);
		a->profile = argv[++*i];
		return 1;
	}
	if (!strcmp(s, "-f")) {
		if (*i + 1 >= argc)
			return error_setcode(PIPE_EUSAGE, "-f needs a file");
		const char *f = argv[++*i];
		grow_array(&a->files, &a->capfiles, a->nfiles + 1, sizeof(char *));
		a->files[a->nfiles++] = invoked_in && f[0] != '/' ? xasprintf("%s%s", invoked_in, f)
		                                                  : xstrdup(f);
		return 1;
	}
	if (s[0] == '-')
		return project_unknown_option(command, s);
	project_add_word(a, argv[*i]);
	return 1;
}

/* Finds the DAG files, reads the profile, parses them with the vars, links
 * the graph and selects the targets the words name. */
int project_load(struct project *p)
{
	struct project_args *a = &p->args;
	char **vars;
	int error;
	if ((error = project_dag_files(&a->files, &a->nfiles, &a->capfiles)) < 0 ||
	    (error = load_profile(a)) < 0)
		return error;
	/* the profile's values first: the command line's win over them */
	vars = xcalloc(a->nprofile_vars + a->noverrides + 1, sizeof(char *));
	for (size_t i = 0; i < a->nprofile_vars; i++)
		vars[i] = a->profile_vars[i];
	for (size_t i = 0; i < a->noverrides; i++)
		vars[a->nprofile_vars + i] = a->overrides[i];
	error = pipefile_load(&p->pf, (const char *const *)a->files, a->nfiles, (const char *const *)vars,
	                      a->nprofile_vars + a->noverrides);
	free(vars);
	if (error < 0)
		return error;
	{
		/* the warehouse is part of a table's key: a profile that moves the
		 * tables elsewhere makes them stale (docs/bigquery.md) */
		const char *env = getenv("PIPE_WAREHOUSE");
		char *id = backend_identity(env && *env ? env : a->warehouse, (const char *const *)a->profile_vars,
		                            a->nprofile_vars);
		pipefile_set_warehouse(&p->pf, id);
		free(id);
	}
	if ((error = graph_build(&p->g, &p->pf)) < 0)
		return error;
	p->sel = xcalloc(p->g.n + 1, sizeof(bool));
	return graph_select(&p->g, (const char *const *)a->targets, a->ntargets, p->sel);
}

void project_free(struct project *p)
{
	free(p->sel);
	graph_free(&p->g);
	pipefile_free(&p->pf);
	project_args_free(&p->args);
}

const char *project_invoked_in(void) { return invoked_in; }
