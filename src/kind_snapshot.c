#include "kind.h"

/* Not built yet: the kind is registered so that its keys can be checked. */
static int build(struct build_ctx *ctx)
{
	return error_set("the snapshot kind is not implemented yet (target %s)", ctx->target->name);
}

static const char *const keys[] = {NULL};

const struct kind kind_snapshot = {
	.name = "snapshot",
	.keys = keys,
	.build = build,
};
