/* target: what the kinds and the parser both read of a target, and the one
 * way to report a place in the DAG files (file:line:col: message). */
#include "target.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const target_engine_keys[] = {"every", "description", "cron", "tz", "retries",
                                           "retry_delay", "timeout", "catchup", NULL};

bool target_engine_key(const char *key)
{
	for (size_t i = 0; target_engine_keys[i]; i++)
		if (!strcmp(target_engine_keys[i], key))
			return true;
	return false;
}

static void names_grow(struct target_names *m, const struct target *targets, size_t cap)
{
	uint32_t *old = m->slots;
	size_t old_cap = m->cap;
	m->slots = xcalloc_written(cap, sizeof(*m->slots));
	m->cap = cap;
	m->len = 0;
	for (size_t k = 0; k < old_cap; k++)
		if (old[k])
			target_names_add(m, targets, old[k] - 1);
	free(old);
}

void target_names_reserve(struct target_names *m, const struct target *targets, size_t n)
{
	size_t cap = 64;
	while (cap < n * 2 + 2)
		cap *= 2;
	if (cap > m->cap)
		names_grow(m, targets, cap);
}

long target_names_add(struct target_names *m, const struct target *targets, size_t i)
{
	if ((m->len + 1) * 2 > m->cap)
		names_grow(m, targets, m->cap ? m->cap * 2 : 64);
	const char *name = targets[i].name;
	size_t k = str_hash64(name, strlen(name)) & (m->cap - 1);
	for (; m->slots[k]; k = (k + 1) & (m->cap - 1))
		if (!strcmp(targets[m->slots[k] - 1].name, name))
			return (long)m->slots[k] - 1;
	m->slots[k] = (uint32_t)i + 1;
	m->len++;
	return -1;
}

long target_names_find(const struct target_names *m, const struct target *targets, const char *name)
{
	if (!m->cap)
		return -1;
	size_t k = str_hash64(name, strlen(name)) & (m->cap - 1);
	for (; m->slots[k]; k = (k + 1) & (m->cap - 1))
		if (!strcmp(targets[m->slots[k] - 1].name, name))
			return (long)m->slots[k] - 1;
	return -1;
}

void target_names_free(struct target_names *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

const struct attr *target_attr(const struct target *t, const char *key)
{
	for (size_t i = 0; i < t->nattrs; i++)
		if (!strcmp(t->attrs[i].key, key))
			return &t->attrs[i];
	return NULL;
}

const char *target_value(const struct target *t, const char *key)
{
	const struct attr *a = target_attr(t, key);
	return a ? a->value : NULL;
}

bool target_declared(const struct target *t, const char *table)
{
	const char *last = strrchr(table, '.');
	last = last ? last + 1 : table;
	for (size_t i = 0; i < t->ndeps; i++) {
		size_t n = strlen(t->deps[i].name);
		if (str_eq_nocase(t->deps[i].name, last) ||
		    (!strncasecmp(t->deps[i].name, last, n) && !strncmp(last + n, "__", 2)))
			return true;
	}
	return false;
}

static int error_at_va(const struct pos *pos, const char *fmt, va_list ap)
{
	struct buf b = BUF_INIT;
	if (pos->line > 0)
		buf_printf(&b, "%s:%d:%d: ", pos->file, pos->line, pos->col);
	else
		buf_printf(&b, "%s: ", pos->file);
	buf_vprintf(&b, fmt, ap);
	error_setcode(PIPE_EUSAGE, "%s", b.data);
	buf_free(&b);
	return PIPE_EUSAGE;
}

int error_at(const struct pos *pos, const char *fmt, ...)
{
	va_list ap;
	int error;
	va_start(ap, fmt);
	error = error_at_va(pos, fmt, ap);
	va_end(ap);
	return error;
}

int error_at_value(const struct attr *a, int line, int col, const char *fmt, ...)
{
	struct pos pos = {a->value_pos.file, a->value_pos.line + line - 1, a->value_pos.col + col - 1};
	va_list ap;
	int error;
	if (a->at_path)
		pos = (struct pos){a->at_path, line, col};
	va_start(ap, fmt);
	error = error_at_va(&pos, fmt, ap);
	va_end(ap);
	return error;
}
