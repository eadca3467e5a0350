/* backend_int: what a warehouse implements, for backend.c and the
 * implementations (backend_local.c, backend_bigquery.c) only; callers use backend.h. */
#ifndef PIPE_BACKEND_INT_H
#define PIPE_BACKEND_INT_H

#include "backend.h"

/* A warehouse: backend.c's functions call these.  Each returns 0 or a
 * negative PIPE_* code with the message set, as backend.h says. */
struct backend_ops {
	const char *name;
	/* load and query call audit (when given) as backend.h says */
	int (*load)(struct backend *b, const struct load_options *o, const struct backend_audit *audit,
	            double deadline_ms, struct load_result *res);
	int (*query)(struct backend *b, const char *sql, const struct backend_query *opt,
	             struct backend_result **out);
	int (*table_schema)(struct backend *b, const char *name, const char *dir, char **schema, int64_t *rows);
	int (*describe)(struct backend *b, const char *name, struct buf *out);
	/* NULL: no bounds recorded (every column known false) */
	int (*bounds)(struct backend *b, const char *name, const char *dir, struct backend_bounds **out, size_t *n);
	int (*list)(struct backend *b, char ***names, size_t *n);
	int (*drop)(struct backend *b, const char *name);
	int (*option)(struct backend *b, const char *key, const char *value); /* may be NULL */
	/* The local copy a remote warehouse keeps of what pipe built; NULL
	 * when the warehouse is local itself. */
	struct backend *(*local_copy)(struct backend *b);
	void (*close)(struct backend *b);
};

/* An implementation's own struct starts with this one. */
struct backend {
	const struct backend_ops *ops;
};

/* How a warehouse's results are read. */
struct backend_result_ops {
	size_t (*ncols)(const struct backend_result *r);
	size_t (*nrows)(const struct backend_result *r);
	const char *(*colname)(const struct backend_result *r, size_t col);
	const char *(*coltype)(const struct backend_result *r, size_t col);
	const char *(*cell)(const struct backend_result *r, size_t row, size_t col);
	void (*free)(struct backend_result *r);
};

/* An implementation's result starts with this one; it fills stats, and
 * message, dry_run and job for backend.c's printers (message: what a statement
 * that returns no rows says, owned by the result; NULL for none). */
struct backend_result {
	const struct backend_result_ops *ops;
	struct backend_stats stats;
	const char *message;
	bool dry_run;
	const char *job; /* owned by the result; NULL for none */
};

/* audit's run, or 0 when there is none. */
int backend_audit_run(const struct backend_audit *audit);

int backend_local_open(struct backend **out, const char *root);
int backend_bigquery_open(struct backend **out, const char *root);
/* backend_identity's text for BigQuery: the settings' bigquery_project
 * (else the key file's project_id) and bigquery_dataset (else pipe). */
char *backend_bigquery_identity(const char *project, const char *dataset);

#endif
