/* serve_data: what `pipe serve` answers, apart from HTTP (serve.c): the
 * JSON of the targets, runs and rebuilds, a report's files and the page.
 * Each call leaves its message in error_last() when it fails. */
#ifndef PIPE_SERVE_DATA_H
#define PIPE_SERVE_DATA_H

#include <stdbool.h>

#include "serve.h"
#include "util.h"

struct serve_data;

struct serve_data *serve_data_new(const struct serve_opts *o);
void serve_data_free(struct serve_data *s);

/* The page (HTML, its styles and script) with the POST token in. */
char *serve_data_page(const char *token);
/* GET /api/targets. */
int serve_data_targets(struct serve_data *s, struct buf *out);
/* GET /api/runs (id "": the list, max as its ?max= or NULL) and
 * /api/runs/ID: PIPE_ENOTFOUND for an unknown run. */
int serve_data_runs(const char *id, const char *max, struct buf *out);
/* POST /api/targets/NAME/rebuild: the build started, as JSON; or *busy
 * and the one running; PIPE_ENOTFOUND for an unknown target. */
int serve_data_rebuild(struct serve_data *s, const char *target, struct buf *out, bool *busy);
/* GET /api/builds/ID?offset=K: PIPE_ENOTFOUND for an unknown build. */
int serve_data_build(struct serve_data *s, const char *id_text, const char *offset_text,
                     struct buf *out);
/* GET /reports/REST: a file of a report target's output and its type;
 * PIPE_ENOTFOUND for no such report or file. */
int serve_data_report(struct serve_data *s, const char *rest, struct buf *out, const char **type);

#endif
