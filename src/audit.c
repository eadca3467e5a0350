/* audit: `pipe test`.  A target's kind runs its checks on the output in
 * place through the same call a build makes when only the checks changed
 * (build_ctx.checks_only), into a record that is thrown away: the checks
 * of `pipe test` and of a build are one code, and compare with the same
 * previous figure (the record's previous_rows). */
#include "audit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kind.h"
#include "state.h"
#include "util.h"

static void quiet_log(struct build_ctx *ctx, const char *fmt, ...)
{
	(void)ctx;
	(void)fmt;
}

static void no_child(struct build_ctx *ctx, int pid, bool running)
{
	(void)ctx;
	(void)pid;
	(void)running;
}

static bool has_checks(const struct target *t)
{
	for (const char *const *k = t->kind->check_keys; k && *k; k++)
		if (target_attr(t, *k))
			return true;
	return false;
}

/* One target: 0 passed, 1 failed or not checkable, < 0 its record does
 * not read. */
static int audit_target(const struct target *t, struct backend *warehouse)
{
	struct state_record prev, rec;
	char *out = t->kind->output_path ? t->kind->output_path(t) : kind_default_output(t);
	struct build_ctx ctx;
	int error;

	state_record_init(&prev);
	state_record_init(&rec);
	if ((error = state_read(PIPE_STATE_DIR, t->name, &prev)) < 0 && error != PIPE_ENOTFOUND)
		goto done;
	if (error == PIPE_ENOTFOUND || hash_is_zero(&prev.key) || !path_exists(out)) {
		error_clear();
		printf("FAILED %s: not built: nothing to check (pipe build %s)\n", t->name, t->name);
		error = 1;
		goto done;
	}
	memset(&ctx, 0, sizeof(ctx));
	ctx.target = t;
	ctx.out = out; /* written to by nothing: checks_only reads final_out */
	ctx.final_out = out;
	ctx.warehouse = warehouse;
	ctx.prev = &prev;
	ctx.rec = &rec;
	ctx.checks_only = true;
	ctx.log = quiet_log;
	ctx.child = no_child;
	error = t->kind->build(&ctx);
	fwrite(ctx.output.data ? ctx.output.data : "", 1, ctx.output.len, stdout);
	if (error < 0) { /* a check failed, or could not run: either way it did not pass */
		printf("FAILED %s: %s\n", t->name, error_last());
		error_clear();
		error = 1;
	}
	buf_free(&ctx.output);
done:
	state_record_free(&prev);
	state_record_free(&rec);
	free(out);
	return error;
}

int audit_run(const struct graph *g, const bool *selected, struct backend *warehouse)
{
	size_t tested = 0, failed = 0;
	int error = 0;
	for (size_t k = 0; k < g->n && error >= 0; k++) {
		const struct target *t = g->nodes[g->order[k]].t;
		if (!selected[g->order[k]] || !has_checks(t))
			continue;
		tested++;
		if ((error = audit_target(t, warehouse)) > 0) {
			failed++;
			error = 0;
		}
	}
	if (error < 0)
		return error;
	printf("pipe test: %zu target%s checked", tested, tested == 1 ? "" : "s");
	if (failed)
		printf(", %zu failed", failed);
	printf("\n");
	return failed ? 1 : 0;
}
