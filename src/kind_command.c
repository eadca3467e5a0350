/* The command kind: any shell command, for the steps pipe does not know.
 *
 *   command counts: words
 *     run = sort $in | uniq -c > $out
 *
 * `run` goes to sh -c with $in (the inputs' paths, space-separated) and
 * $out (where to write: a file or a directory) in its environment.  A
 * non-zero exit or no $out is a failure.  Its stdout and stderr are kept
 * and printed when it ends, so that -j output does not interleave. */
#include "kind.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const char *const keys[] = {"run", "out", NULL};
static const char *const required[] = {"run", NULL};

static char *output_path(const struct target *t)
{
	const char *out = target_value(t, "out");
	return out ? xstrdup(out) : kind_default_output(t);
}

static char **make_env(const char *in, const char *out)
{
	size_t n = 0, k = 0;
	while (environ[n])
		n++;
	char **env = xcalloc(n + 3, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		if (!str_starts(environ[i], "in=") && !str_starts(environ[i], "out="))
			env[k++] = environ[i];
	env[k++] = (char *)in;
	env[k++] = (char *)out;
	env[k] = NULL;
	return env;
}

static int build(struct build_ctx *ctx)
{
	const char *run = target_value(ctx->target, "run");
	struct buf in = BUF_INIT;
	char *out = xasprintf("out=%s", ctx->out);
	char *log = xasprintf("%s.pipe-log", ctx->out);
	char **env = NULL;
	char *argv[] = {"sh", "-c", (char *)run, NULL};
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	pid_t pid;
	int status, error = 0, rc;

	buf_puts(&in, "in=");
	for (size_t i = 0; i < ctx->ninputs; i++)
		buf_printf(&in, "%s%s", i ? " " : "", ctx->inputs[i]);
	env = make_env(in.data, out);

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
	posix_spawnattr_init(&attr);
	/* its own process group, so that an interrupted build can stop the
	 * whole pipeline the command started */
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
	rc = posix_spawn(&pid, "/bin/sh", &fa, &attr, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (rc != 0) {
		error = error_set("cannot start the command with /bin/sh: %s", strerror(rc));
		goto done;
	}
	if (ctx->child)
		ctx->child(ctx, pid, true);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			error = error_set("waitpid: %s", strerror(errno));
			break;
		}
	if (ctx->child)
		ctx->child(ctx, pid, false);
	file_read(log, &ctx->output);
	error_clear();
	if (error < 0)
		goto done;
	if (WIFSIGNALED(status))
		error = error_set("command killed by signal %d (%s)", WTERMSIG(status),
		                  strsignal(WTERMSIG(status)));
	else if (WEXITSTATUS(status) != 0)
		error = error_set("command exited with status %d", WEXITSTATUS(status));
	else if (!path_exists(ctx->out))
		error = error_set("command did not write $out");
done:
	unlink(log);
	buf_free(&in);
	free(out);
	free(log);
	free(env);
	return error;
}

const struct kind kind_command = {
	.name = "command",
	.keys = keys,
	.required = required,
	.output_path = output_path,
	.build = build,
};
