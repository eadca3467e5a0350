/* The command kind: any shell command, for the steps pipe does not know.
 *
 *   command counts: words
 *     run = sort $in | uniq -c > $out
 *
 * `run` goes to sh -c with $in (the inputs' paths, space-separated) and
 * $out (where to write: a file or a directory) in its environment; one
 * plain command is started as sh would start it, without sh (direct_command).  A
 * non-zero exit or no $out is a failure.  Its stdout and stderr are
 * gathered through a pipe and printed when it ends, so that -j output does
 * not interleave.
 *
 * Past its timeout (ctx->deadline_ms) the command's process group, which it
 * leads, is killed with SIGKILL: the shell and everything it started.
 *
 * A failed command's last lines (OUTPUT_TAIL_LINES, at most
 * OUTPUT_TAIL_BYTES) are kept in its record as the field output_tail, for
 * `pipe show` after the terminal that printed them is gone. */
#include "kind.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "secrets.h"

extern char **environ;

static const char *const keys[] = {"run", "out", NULL};
static const char *const required[] = {"run", NULL};

static char *output_path(const struct target *t)
{
	const char *out = target_value(t, "out");
	return out ? xstrdup(out) : kind_default_output(t);
}

enum { OUTPUT_TAIL_LINES = 20, OUTPUT_TAIL_BYTES = 4096 };

static void keep_output_tail(struct build_ctx *ctx)
{
	const char *s = ctx->output.data;
	size_t end = ctx->output.len, start;
	int lines = 0;
	struct buf tail = BUF_INIT;
	while (end && s[end - 1] == '\n')
		end--;
	if (!end)
		return;
	start = end > OUTPUT_TAIL_BYTES ? end - OUTPUT_TAIL_BYTES : 0;
	for (size_t k = end; k > start; k--) {
		if (s[k - 1] == '\n' && ++lines == OUTPUT_TAIL_LINES) {
			start = k;
			break;
		}
	}
	/* the byte limit may fall inside a line: start at the next whole one */
	if (start && s[start - 1] != '\n') {
		const char *nl = memchr(s + start, '\n', end - start);
		if (nl)
			start = (size_t)(nl - s) + 1;
	}
	buf_add(&tail, s + start, end - start);
	state_field_set(ctx->rec, "output_tail", buf_cstr(&tail));
	buf_free(&tail);
}

/* p relative to the project root, without "." and ".." parts or doubled
 * slashes ("" for the root itself); NULL when p is absolute or climbs out
 * of the project. */
static char *project_path(const char *p)
{
	struct buf b = BUF_INIT;
	if (*p == '/')
		return NULL;
	while (*p) {
		size_t n = strcspn(p, "/");
		if (n == 2 && !strncmp(p, "..", 2)) {
			char *slash;
			if (!b.len) {
				buf_free(&b);
				return NULL;
			}
			slash = strrchr(buf_cstr(&b), '/');
			b.len = slash ? (size_t)(slash - b.data) : 0;
		} else if (n && !(n == 1 && *p == '.')) {
			if (b.len)
				buf_putc(&b, '/');
			buf_add(&b, p, n);
		}
		p += n + (p[n] == '/');
	}
	{
		char *path = xstrdup(buf_cstr(&b));
		buf_free(&b);
		return path;
	}
}

/* Whether writing at a would write over b, or inside it, or the reverse. */
static bool overlaps(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b), n = na < nb ? na : nb;
	return !n || (!strncmp(a, b, n) && (a[n] == '/' || a[n] == '\0') && (b[n] == '/' || b[n] == '\0'));
}

/* What out must not touch: pipe's own directories (and, in check_across,
 * any target's inputs and other targets' outputs).  The build renames the
 * command's result onto out, so out = state would replace the state
 * repository and its history. */
static int check(const struct target *t)
{
	static const char *const reserved[][2] = {
		{"pipelines", "the DAG files"},
		{PIPE_STATE_DIR, "the state repository and its history"},
		{".pipe", "pipe's index and lock"},
		{PIPE_TARGETS_DIR "/.tmp", "the builds' scratch space"},
	};
	const struct attr *a = target_attr(t, "out");
	char *out;
	int error = 0;
	if (!a)
		return 0;
	if (!(out = project_path(a->value)))
		return error_at(&a->value_pos, "out = %s is outside the project: out is a path under the "
		                "project root, such as targets/%s", a->value, t->name);
	if (!*out || !strcmp(out, PIPE_TARGETS_DIR)) {
		error = error_at(&a->value_pos, "out = %s would replace %s: out is a path under the project "
		                 "root that nothing else owns, such as targets/%s", a->value,
		                 *out ? "the warehouse, every target's output" : "the whole project", t->name);
		goto done;
	}
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (overlaps(out, reserved[i][0])) {
			error = error_at(&a->value_pos, "out = %s would write over %s/, %s: out is a path "
			                 "under the project root that nothing else owns, such as targets/%s",
			                 a->value, reserved[i][0], reserved[i][1], t->name);
			goto done;
		}
done:
	free(out);
	return error;
}

static int check_across(const struct target *t, const struct target_set *all)
{
	const struct attr *a = target_attr(t, "out");
	char *out, *other = NULL;
	int error = 0;
	if (!a || !(out = project_path(a->value)))
		return 0; /* no out (one outside the project: check refused it) */
	for (size_t i = 0; i < all->n && !error; i++) {
		const struct target *u = &all->targets[i];
		for (size_t j = 0; j < u->ndeps && !error; j++) {
			const struct dep *d = &u->deps[j];
			/* a dependency that names no target is a file */
			if (target_names_find(all->by_name, all->targets, d->name) >= 0 ||
			    !(other = project_path(d->name)))
				continue;
			if (overlaps(out, other))
				error = error_at(&a->value_pos, "out = %s would write over %s, an input of %s "
				                 "(%s:%d:%d)", a->value, d->name, u->name, d->pos.file, d->pos.line,
				                 d->pos.col);
			free(other);
			other = NULL;
		}
		if (u == t || error)
			continue;
		other = u->kind && u->kind->output_path ? u->kind->output_path(u) : kind_default_output(u);
		char *norm = project_path(other);
		if (norm && overlaps(out, norm))
			error = error_at(&a->value_pos, "out = %s would write over %s, the output of %s "
			                 "(%s:%d:%d)", a->value, other, u->name, u->pos.file, u->pos.line, u->pos.col);
		free(norm);
		free(other);
		other = NULL;
	}
	free(out);
	return error;
}

/* PWD as sh sets it for its commands: the inherited one while it names
 * the current directory (a path through a symbolic link stays), else the
 * directory's own path.  pipe may have moved to the project root since
 * PWD was set, and a command started without sh sees what sh would pass. */
static char *pwd_entry(void)
{
	const char *pwd = getenv("PWD");
	struct stat a, b;
	char *cwd, *entry;
	if (pwd && *pwd == '/' && stat(pwd, &a) == 0 && stat(".", &b) == 0 && a.st_dev == b.st_dev &&
	    a.st_ino == b.st_ino)
		return xasprintf("PWD=%s", pwd);
	if (!(cwd = getcwd(NULL, 0)))
		return NULL;
	entry = xasprintf("PWD=%s", cwd);
	free(cwd);
	return entry;
}

static char **make_env(const char *in, const char *out, const char *pwd)
{
	size_t n = 0, k = 0;
	while (environ[n])
		n++;
	char **env = xcalloc(n + 4, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		if (!str_starts(environ[i], "in=") && !str_starts(environ[i], "out=") &&
		    !(pwd && str_starts(environ[i], "PWD=")))
			env[k++] = environ[i];
	env[k++] = (char *)in;
	env[k++] = (char *)out;
	if (pwd)
		env[k++] = (char *)pwd;
	env[k] = NULL;
	return env;
}

/* A run that is one plain command is started without the shell, as sh
 * would start it (make does the same): one process per target rather than
 * two.  Plain means words of literal characters, or exactly $in, ${in},
 * $out or ${out} whose values split into the paths themselves (no blank
 * or glob character in a path), then at most one "> word" at the end; the
 * first word a literal that is no reserved word or builtin, and no
 * assignment.  Anything else (quotes, other variables, pipes, globs, ~, a
 * comment) goes to sh -c, as does a plain command that cannot start
 * (not found, not executable): the shell says why, in its words. */
static const char *const sh_builtins[] = {
	".", ":", "[", "alias", "bg", "break", "case", "cd", "command", "continue", "do", "done",
	"echo", "elif", "else", "esac", "eval", "exec", "exit", "export", "false", "fc", "fg", "fi",
	"for", "function", "getopts", "hash", "if", "in", "jobs", "kill", "local", "printf", "pwd",
	"read", "readonly", "return", "select", "set", "shift", "test", "then", "times", "trap", "true",
	"type", "ulimit", "umask", "unalias", "unset", "until", "wait", "while", "{", "}", "!", NULL};

struct direct {
	char **argv;
	size_t argc, cap;
	const char *redirect; /* the path after ">", or NULL */
};

/* What the shell leaves as it is: no field splitting, no pathname
 * expansion. */
static bool plain_value(const char *s)
{
	return *s && !strpbrk(s, " \t\n*?[\\");
}

static bool literal_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr("_./,:+-=@%", c);
}

static void direct_add(struct direct *d, const char *word)
{
	grow_array(&d->argv, &d->cap, d->argc + 2, sizeof(char *));
	d->argv[d->argc++] = (char *)word;
	d->argv[d->argc] = NULL;
}

static void direct_free(struct direct *d)
{
	for (size_t i = 0; i < d->argc; i++)
		free(d->argv[i]);
	free(d->argv);
	memset(d, 0, sizeof(*d));
}

/* The words of run as sh would pass them; false when run is not plain. */
static bool direct_command(const char *run, const struct build_ctx *ctx, struct direct *d)
{
	const char *p = run;
	bool redirect = false, ok = true;
	memset(d, 0, sizeof(*d));
	if (getenv("IFS") || !getenv("PATH") || !plain_value(ctx->out))
		return false;
	while (ok) {
		size_t n;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		if (d->redirect) {
			ok = false; /* anything after "> word" */
			break;
		}
		if (*p == '>') {
			if (redirect || !d->argc) {
				ok = false;
				break;
			}
			redirect = true;
			p++;
			continue;
		}
		for (n = 0; p[n] && p[n] != ' ' && p[n] != '\t'; n++)
			;
		char *word = xstrndup(p, n);
		p += n;
		bool is_in = !strcmp(word, "$in") || !strcmp(word, "${in}");
		bool is_out = !strcmp(word, "$out") || !strcmp(word, "${out}");
		if (redirect) {
			/* only $out: a literal path may name a directory still to
			 * be made, and the shell says so in its words */
			if (is_out)
				d->redirect = ctx->out;
			else
				ok = false;
			free(word);
			continue;
		}
		if (is_in) {
			free(word);
			for (size_t i = 0; i < ctx->ninputs && ok; i++)
				if ((ok = plain_value(ctx->inputs[i])) && d->argc)
					direct_add(d, xstrdup(ctx->inputs[i]));
				else
					ok = false; /* $in as the command name: the shell's */
			continue;
		}
		if (is_out) {
			free(word);
			if (!(ok = d->argc > 0))
				break;
			direct_add(d, xstrdup(ctx->out));
			continue;
		}
		for (size_t i = 0; word[i] && ok; i++)
			ok = literal_char(word[i]);
		if (ok && !d->argc) {
			ok = !strchr(word, '=');
			for (size_t i = 0; sh_builtins[i] && ok; i++)
				ok = strcmp(word, sh_builtins[i]) != 0;
		}
		if (!ok) {
			free(word);
			break;
		}
		direct_add(d, word);
	}
	if (!ok || !d->argc || (redirect && !d->redirect)) {
		direct_free(d);
		return false;
	}
	return true;
}

/* A command's stdin /dev/null, its stdout and stderr into the pipe (fd),
 * stdout then onto redirect when it has one ("> $out"). */
static void command_io(posix_spawn_file_actions_t *fa, int fd, const char *redirect)
{
	posix_spawn_file_actions_init(fa);
	posix_spawn_file_actions_addopen(fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(fa, fd, STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(fa, fd, STDERR_FILENO);
	if (redirect)
		posix_spawn_file_actions_addopen(fa, STDOUT_FILENO, redirect, O_WRONLY | O_CREAT | O_TRUNC, 0666);
}

static int build(struct build_ctx *ctx)
{
	const char *run = target_value(ctx->target, "run");
	struct buf in = BUF_INIT;
	struct secrets sec = SECRETS_INIT;
	char *out = xasprintf("out=%s", ctx->out), *pwd = NULL;
	char **env = NULL;
	char *argv[] = {"sh", "-c", (char *)run, NULL};
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	struct direct direct;
	pid_t pid;
	int status, error = 0, rc, out_pipe[2] = {-1, -1};
	char chunk[8192];
	ssize_t n;
	bool timed_out = false;

	buf_puts(&in, "in=");
	for (size_t i = 0; i < ctx->ninputs; i++)
		buf_printf(&in, "%s%s", i ? " " : "", ctx->inputs[i]);
	pwd = pwd_entry();
	env = make_env(in.data, out, pwd);

	/* stdout and stderr through one pipe, read until the command ends */
	if (pipe2(out_pipe, O_CLOEXEC) < 0) {
		error = error_set("pipe: %s", strerror(errno));
		goto done;
	}
	posix_spawnattr_init(&attr);
	/* its own process group, so that an interrupted build can stop the
	 * whole pipeline the command started */
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
	rc = -1;
	if (direct_command(run, ctx, &direct)) {
		command_io(&fa, out_pipe[1], direct.redirect);
		rc = posix_spawnp(&pid, direct.argv[0], &fa, &attr, direct.argv, env);
		posix_spawn_file_actions_destroy(&fa);
		direct_free(&direct);
	}
	if (rc != 0) {
		command_io(&fa, out_pipe[1], NULL);
		rc = posix_spawn(&pid, "/bin/sh", &fa, &attr, argv, env);
		posix_spawn_file_actions_destroy(&fa);
	}
	posix_spawnattr_destroy(&attr);
	if (rc != 0) {
		error = error_set("cannot start the command with /bin/sh: %s", strerror(rc));
		goto done;
	}
	if (ctx->child)
		ctx->child(ctx, pid, true);
	close(out_pipe[1]);
	out_pipe[1] = -1;
	while (!timed_out) {
		if (ctx->deadline_ms > 0) {
			struct pollfd pfd = {out_pipe[0], POLLIN, 0};
			double left = ctx->deadline_ms - time_now_ms();
			int ready = left > 0 ? poll(&pfd, 1, (int)(left < 1e6 ? left + 1 : 1e6)) : 0;
			if (ready <= 0) {
				timed_out = time_now_ms() >= ctx->deadline_ms;
				continue;
			}
		}
		if ((n = read(out_pipe[0], chunk, sizeof(chunk))) == 0)
			break;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		buf_add(&ctx->output, chunk, (size_t)n);
	}
	/* the whole group: a pipeline's other commands, what they started */
	if (timed_out)
		kill(-pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			error = error_set("waitpid: %s", strerror(errno));
			break;
		}
	if (ctx->child)
		ctx->child(ctx, pid, false);
	/* The value of each ${NAME} the command names becomes ${NAME} again in
	 * its output, before it is printed or kept: an environment value (a
	 * token) never reaches the terminal, the record or the history. */
	secrets_add_refs(&sec, run);
	secrets_redact_buf(&sec, &ctx->output);
	if (error < 0)
		goto done;
	if (timed_out)
		error = error_set("command timed out after %s (timeout = %s): its process group was killed",
		                  target_value(ctx->target, "timeout"), target_value(ctx->target, "timeout"));
	else if (WIFSIGNALED(status))
		error = error_set("command killed by signal %d (%s)", WTERMSIG(status),
		                  strsignal(WTERMSIG(status)));
	else if (WEXITSTATUS(status) != 0)
		error = error_set("command exited with status %d", WEXITSTATUS(status));
	else if (!path_exists(ctx->out))
		error = error_set("command did not write $out");
	if (error < 0)
		keep_output_tail(ctx);
done:
	if (out_pipe[0] >= 0)
		close(out_pipe[0]);
	if (out_pipe[1] >= 0)
		close(out_pipe[1]);
	buf_free(&in);
	free(out);
	free(pwd);
	free(env);
	secrets_free(&sec);
	return error;
}

const struct kind kind_command = {
	.name = "command",
	.keys = keys,
	.required = required,
	.check = check,
	.check_across = check_across,
	.output_path = output_path,
	.pure = kind_always_pure,
	.build = build,
};
