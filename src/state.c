/* state: one text record per target, at <state_dir>/targets/<name>.state.
 *
 * The records are what history.c commits, so the format is made for
 * `git diff`: one fact per line, always in the same order, so that the same
 * record is always the same bytes and a changed fact is a changed line.
 *
 *   target words
 *   kind command
 *   status ok
 *   run 20261125T010203Z-4953
 *   key 3f1c...(64 hex)
 *   output 9ab0...(64 hex)
 *   bytes 1234
 *   rows 500
 *   started 2026-11-25T01:02:03Z
 *   finished 2026-11-25T01:02:04Z
 *   duration_ms 812.4
 *   recipe 5e2d...(64 hex) run
 *   input 77a1...(64 hex) data/my input.txt
 *   error <text>
 *   field etag "abc"
 *   field schema |
 *     vendor_id INT64
 *     pickup TIMESTAMP
 *
 * A line is a word, one space, and the rest of the line.  Where a line holds
 * a hash and a name, the hash comes first and the name is everything after
 * it, so names may hold spaces (file paths do) and need no quoting.
 *
 * `error` and `field` values are written inline when they are one non-empty
 * line that does not start with '|'.  Otherwise as a block: the line ends in
 * '|' (the value has no final newline) or '|+' (it has one), and the value's
 * lines follow, each indented by two spaces.  An empty value is '|' followed
 * by no lines.  Values keep carriage returns; only a first line ending in
 * one is refused, as the sign of a file converted to CRLF line ends.
 *
 * Lines appear in the order above; recipe, input and field lines in the
 * order they were set.  Optional lines are left out: kind and status when
 * unset, key and output before the first success (all-zero hash), rows when
 * the target is not a table (-1), started and finished when 0, error after
 * a success.  `target` is the only line required.
 *
 * A line whose first word is not one of these is skipped, with any block
 * lines under it, so that a record written by a newer pipe can still be
 * read.  Such lines are not kept: the next write drops them.
 *
 * Everything in a record is public: it is committed to the state
 * repository.  Callers keep secrets out of fields and error messages. */
#include "state.h"

#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

void state_record_init(struct state_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->rows = -1;
}

void state_record_free(struct state_record *rec)
{
	size_t i;
	free(rec->target);
	free(rec->kind);
	free(rec->status);
	free(rec->run);
	free(rec->error);
	for (i = 0; i < rec->nrecipe; i++) {
		free(rec->recipe[i].key);
		free(rec->recipe[i].value);
	}
	free(rec->recipe);
	for (i = 0; i < rec->ninputs; i++)
		free(rec->inputs[i].name);
	free(rec->inputs);
	for (i = 0; i < rec->nfields; i++) {
		free(rec->fields[i].key);
		free(rec->fields[i].value);
	}
	free(rec->fields);
	state_record_init(rec);
}

static char *strdup_or_null(const char *s) { return s ? xstrdup(s) : NULL; }

static struct state_field *copy_fields(const struct state_field *src, size_t n)
{
	struct state_field *dst;
	if (!n)
		return NULL;
	dst = xcalloc(n, sizeof(*dst));
	for (size_t i = 0; i < n; i++) {
		dst[i].key = xstrdup(src[i].key);
		dst[i].value = xstrdup(src[i].value);
	}
	return dst;
}

void state_record_copy(struct state_record *dst, const struct state_record *src)
{
	*dst = *src;
	dst->target = strdup_or_null(src->target);
	dst->kind = strdup_or_null(src->kind);
	dst->status = strdup_or_null(src->status);
	dst->run = strdup_or_null(src->run);
	dst->error = strdup_or_null(src->error);
	dst->recipe = copy_fields(src->recipe, src->nrecipe);
	dst->fields = copy_fields(src->fields, src->nfields);
	dst->inputs = NULL;
	if (src->ninputs) {
		dst->inputs = xcalloc(src->ninputs, sizeof(*dst->inputs));
		for (size_t i = 0; i < src->ninputs; i++) {
			dst->inputs[i].name = xstrdup(src->inputs[i].name);
			dst->inputs[i].hash = src->inputs[i].hash;
		}
	}
}

const char *state_field(const struct state_record *rec, const char *key)
{
	for (size_t i = 0; i < rec->nfields; i++)
		if (!strcmp(rec->fields[i].key, key))
			return rec->fields[i].value;
	return NULL;
}

/* The arrays are sized exactly: records are small and copied often, and
 * an exact count lets state_record_copy duplicate them without a capacity. */
static void field_append(struct state_field **arr, size_t *n, const char *key,
                         const char *value)
{
	*arr = xrealloc(*arr, (*n + 1) * sizeof(**arr));
	(*arr)[*n].key = xstrdup(key);
	(*arr)[*n].value = xstrdup(value);
	(*n)++;
}

void state_field_set(struct state_record *rec, const char *key, const char *value)
{
	for (size_t i = 0; i < rec->nfields; i++) {
		if (!strcmp(rec->fields[i].key, key) && !value) {
			free(rec->fields[i].key);
			free(rec->fields[i].value);
			memmove(&rec->fields[i], &rec->fields[i + 1], (rec->nfields - i - 1) * sizeof(*rec->fields));
			rec->nfields--;
			return;
		}
		if (!strcmp(rec->fields[i].key, key)) {
			char *v = xstrdup(value);
			free(rec->fields[i].value);
			rec->fields[i].value = v;
			return;
		}
	}
	if (value)
		field_append(&rec->fields, &rec->nfields, key, value);
}

void state_recipe_set(struct state_record *rec, const char *key, const struct hash *h)
{
	char hex[HASH_HEX_LEN + 1];
	hash_hex(h, hex);
	for (size_t i = 0; i < rec->nrecipe; i++) {
		if (!strcmp(rec->recipe[i].key, key)) {
			free(rec->recipe[i].value);
			rec->recipe[i].value = xstrdup(hex);
			return;
		}
	}
	field_append(&rec->recipe, &rec->nrecipe, key, hex);
}

void state_input_add(struct state_record *rec, const char *name, const struct hash *h)
{
	rec->inputs = xrealloc(rec->inputs, (rec->ninputs + 1) * sizeof(*rec->inputs));
	rec->inputs[rec->ninputs].name = xstrdup(name);
	rec->inputs[rec->ninputs].hash = *h;
	rec->ninputs++;
}

const struct state_input *state_input_find(const struct state_record *rec, const char *name)
{
	for (size_t i = 0; i < rec->ninputs; i++)
		if (!strcmp(rec->inputs[i].name, name))
			return &rec->inputs[i];
	return NULL;
}

char *state_path(const char *target) { return xasprintf("targets/%s.state", target); }

/* A target name becomes a file name under targets/: '/' makes a
 * subdirectory, but nothing may climb out of it or break a line. */
static int check_target_name(const char *name)
{
	const char *p = name;
	if (!name || !*name || *name == '/' || strpbrk(name, "\r\n"))
		return error_set("invalid target name for a state record: '%s'", name ? name : "");
	while (*p) {
		size_t n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return error_set("invalid target name for a state record: '%s'", name);
		p += n;
		if (*p == '/')
			p++;
		if (!*p && p[-1] == '/')
			return error_set("invalid target name for a state record: '%s'", name);
	}
	return 0;
}

/* Keys are one word: the rest of their line is the value. */
static bool valid_key(const char *key)
{
	if (!key || !*key)
		return false;
	for (const char *p = key; *p; p++)
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '|')
			return false;
	return true;
}

static void format_value(struct buf *out, const char *value)
{
	const char *p = value, *nl;
	size_t n = strlen(value);
	if (n && !strchr(value, '\n') && value[0] != '|') {
		buf_printf(out, " %s\n", value);
		return;
	}
	if (n && value[n - 1] == '\n') {
		buf_puts(out, " |+\n");
		n--;
	} else {
		buf_puts(out, " |\n");
	}
	if (!n)
		return;
	for (;;) {
		nl = memchr(p, '\n', (size_t)(value + n - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(value + n - p);
		buf_puts(out, "  ");
		buf_add(out, p, len);
		buf_putc(out, '\n');
		if (!nl)
			break;
		p = nl + 1;
	}
}

static void format_hash(struct buf *out, const char *word, const struct hash *h)
{
	char hex[HASH_HEX_LEN + 1];
	hash_hex(h, hex);
	buf_printf(out, "%s %s\n", word, hex);
}

static void format_time(struct buf *out, const char *word, int64_t t)
{
	char iso[32];
	time_iso(t, iso);
	buf_printf(out, "%s %s\n", word, iso);
}

int state_format(const struct state_record *rec, struct buf *out)
{
	char hex[HASH_HEX_LEN + 1];
	size_t i;
	int error;
	if ((error = check_target_name(rec->target)) < 0)
		return error;
	if ((rec->kind && !valid_key(rec->kind)) || (rec->status && !valid_key(rec->status)))
		return error_set("state record for '%s': kind and status must be one word",
		                 rec->target);
	for (i = 0; i < rec->nrecipe; i++)
		if (!valid_key(rec->recipe[i].key))
			return error_set("state record for '%s': invalid recipe key '%s'",
			                 rec->target, rec->recipe[i].key);
	for (i = 0; i < rec->nfields; i++)
		if (!valid_key(rec->fields[i].key))
			return error_set("state record for '%s': invalid field key '%s'",
			                 rec->target, rec->fields[i].key);
	for (i = 0; i < rec->ninputs; i++)
		if (!rec->inputs[i].name[0] || strchr(rec->inputs[i].name, '\n'))
			return error_set("state record for '%s': invalid input name '%s'",
			                 rec->target, rec->inputs[i].name);

	buf_printf(out, "target %s\n", rec->target);
	if (rec->kind)
		buf_printf(out, "kind %s\n", rec->kind);
	if (rec->status)
		buf_printf(out, "status %s\n", rec->status);
	if (rec->run)
		buf_printf(out, "run %s\n", rec->run);
	if (!hash_is_zero(&rec->key))
		format_hash(out, "key", &rec->key);
	if (!hash_is_zero(&rec->output))
		format_hash(out, "output", &rec->output);
	buf_printf(out, "bytes %llu\n", (unsigned long long)rec->bytes);
	if (rec->rows >= 0)
		buf_printf(out, "rows %lld\n", (long long)rec->rows);
	if (rec->started)
		format_time(out, "started", rec->started);
	if (rec->finished)
		format_time(out, "finished", rec->finished);
	buf_printf(out, "duration_ms %.1f\n", rec->duration_ms);
	for (i = 0; i < rec->nrecipe; i++)
		buf_printf(out, "recipe %s %s\n", rec->recipe[i].value, rec->recipe[i].key);
	for (i = 0; i < rec->ninputs; i++) {
		hash_hex(&rec->inputs[i].hash, hex);
		buf_printf(out, "input %s %s\n", hex, rec->inputs[i].name);
	}
	if (rec->error) {
		buf_puts(out, "error");
		format_value(out, rec->error);
	}
	for (i = 0; i < rec->nfields; i++) {
		buf_printf(out, "field %s", rec->fields[i].key);
		format_value(out, rec->fields[i].value);
	}
	return 0;
}

/* The parser walks the text a line at a time; a block value consumes the
 * indented lines after its header. */
struct parser {
	const char *path;
	const char *p;   /* the start of the next line */
	int line;        /* of the line last taken */
};

static bool next_line(struct parser *ps, const char **start, size_t *len)
{
	const char *nl;
	if (!*ps->p)
		return false;
	nl = strchr(ps->p, '\n');
	*start = ps->p;
	*len = nl ? (size_t)(nl - ps->p) : strlen(ps->p);
	ps->p = nl ? nl + 1 : ps->p + *len;
	ps->line++;
	return true;
}

static int parse_error(struct parser *ps, const char *fmt, ...) PIPE_PRINTF(2, 3);
static int parse_error(struct parser *ps, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return error_set("%s:%d: %s", ps->path, ps->line, msg);
}

/* After a header ending in '|' or '|+', takes the lines indented by two
 * spaces that follow.  An inline value is the rest of the line. */
static int parse_value(struct parser *ps, const char *rest, char **out)
{
	struct buf b = BUF_INIT;
	bool keep_newline;
	const char *line;
	size_t len;
	if (strcmp(rest, "|") && strcmp(rest, "|+")) {
		*out = xstrdup(rest);
		return 0;
	}
	keep_newline = rest[1] == '+';
	bool first = true;
	while (str_starts(ps->p, "  ")) {
		next_line(ps, &line, &len);
		if (!first)
			buf_putc(&b, '\n');
		buf_add(&b, line + 2, len - 2);
		first = false;
	}
	if (keep_newline) {
		if (first) {
			buf_free(&b);
			return parse_error(ps, "'|+' needs at least one indented line after it");
		}
		buf_putc(&b, '\n');
	}
	*out = buf_detach(&b);
	return 0;
}

void state_value_format(struct buf *out, const char *value) { format_value(out, value); }

int state_value_parse(const char *path, const char **p, int *line, const char *rest, char **out)
{
	struct parser ps = {path, *p, *line};
	int error = parse_value(&ps, rest, out);
	*p = ps.p;
	*line = ps.line;
	return error;
}

/* A hash alone on its line, or (named) followed by a space and a name. */
static int parse_hash(struct parser *ps, const char *text, bool named, struct hash *out)
{
	size_t n = strspn(text, "0123456789abcdef");
	if (n != HASH_HEX_LEN || text[n] != (named ? ' ' : '\0') ||
	    hash_from_hex(text, out) < 0)
		return parse_error(ps, "expected a SHA-256 as 64 lowercase hex digits, got '%s'",
		                   text);
	return 0;
}

static int parse_u64(struct parser *ps, const char *text, uint64_t *out)
{
	char *end;
	if (*text < '0' || *text > '9')
		return parse_error(ps, "expected a number, got '%s'", text);
	errno = 0;
	unsigned long long v = strtoull(text, &end, 10);
	if (*end || errno)
		return parse_error(ps, "expected a number, got '%s'", text);
	*out = v;
	return 0;
}

static int parse_time(struct parser *ps, const char *text, int64_t *out)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
	struct tm tm = {0};
	bool ok = strlen(text) == sizeof(shape) - 1;
	for (size_t i = 0; ok && shape[i]; i++)
		ok = shape[i] == 'd' ? text[i] >= '0' && text[i] <= '9' : text[i] == shape[i];
	if (ok)
		ok = sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		            &tm.tm_hour, &tm.tm_min, &tm.tm_sec) == 6 &&
		     tm.tm_mon >= 1 && tm.tm_mon <= 12 && tm.tm_mday >= 1 && tm.tm_mday <= 31 &&
		     tm.tm_hour < 24 && tm.tm_min < 60 && tm.tm_sec < 60;
	if (!ok)
		return parse_error(ps, "expected a UTC time like 2026-11-25T01:02:03Z, got '%s'",
		                   text);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = (int64_t)timegm(&tm);
	return 0;
}

static int parse_line(struct parser *ps, struct state_record *rec, const char *word,
                      char *rest, unsigned *seen)
{
	/* The lines that may appear once, in the order they are written. */
	static const char *const once[] = {"target", "kind", "status", "key", "output",
	                                   "bytes", "rows", "started", "finished",
	                                   "duration_ms", "error", "run"};
	uint64_t u;
	char *end, *name;
	struct hash h;
	int error;

	for (size_t i = 0; i < sizeof(once) / sizeof(once[0]); i++) {
		if (strcmp(word, once[i]))
			continue;
		if (*seen & (1u << i))
			return parse_error(ps, "'%s' appears twice", word);
		*seen |= 1u << i;
	}
	if (!strcmp(word, "target") || !strcmp(word, "kind") || !strcmp(word, "status")) {
		if (word[0] == 't' ? check_target_name(rest) < 0 : !valid_key(rest))
			return parse_error(ps, "invalid %s '%s'", word, rest);
		if (word[0] == 't')
			rec->target = xstrdup(rest);
		else if (word[0] == 'k')
			rec->kind = xstrdup(rest);
		else
			rec->status = xstrdup(rest);
	} else if (!strcmp(word, "run")) {
		if (!*rest || strchr(rest, ' '))
			return parse_error(ps, "invalid run id '%s'", rest);
		rec->run = xstrdup(rest);
	} else if (!strcmp(word, "key")) {
		return parse_hash(ps, rest, false, &rec->key);
	} else if (!strcmp(word, "output")) {
		return parse_hash(ps, rest, false, &rec->output);
	} else if (!strcmp(word, "bytes")) {
		if ((error = parse_u64(ps, rest, &u)) < 0)
			return error;
		rec->bytes = u;
	} else if (!strcmp(word, "rows")) {
		if ((error = parse_u64(ps, rest, &u)) < 0)
			return error;
		if (u > INT64_MAX)
			return parse_error(ps, "row count out of range: '%s'", rest);
		rec->rows = (int64_t)u;
	} else if (!strcmp(word, "started")) {
		return parse_time(ps, rest, &rec->started);
	} else if (!strcmp(word, "finished")) {
		return parse_time(ps, rest, &rec->finished);
	} else if (!strcmp(word, "duration_ms")) {
		errno = 0;
		rec->duration_ms = strtod(rest, &end);
		if (!*rest || *end || errno || !isfinite(rec->duration_ms) || rec->duration_ms < 0)
			return parse_error(ps, "expected a duration in milliseconds, got '%s'",
			                   rest);
	} else if (!strcmp(word, "recipe") || !strcmp(word, "input")) {
		if (strlen(rest) <= HASH_HEX_LEN + 1)
			return parse_error(ps, "'%s' needs a hash and a name", word);
		if ((error = parse_hash(ps, rest, true, &h)) < 0)
			return error;
		name = rest + HASH_HEX_LEN + 1;
		if (word[0] == 'i') {
			state_input_add(rec, name, &h);
		} else {
			if (!valid_key(name))
				return parse_error(ps, "invalid recipe key '%s'", name);
			for (size_t i = 0; i < rec->nrecipe; i++)
				if (!strcmp(rec->recipe[i].key, name))
					return parse_error(ps, "recipe '%s' appears twice", name);
			state_recipe_set(rec, name, &h);
		}
	} else if (!strcmp(word, "error")) {
		return parse_value(ps, rest, &rec->error);
	} else if (!strcmp(word, "field")) {
		char *value = NULL, *sp = strchr(rest, ' ');
		if (!sp)
			return parse_error(ps, "'field' needs a key and a value");
		*sp = '\0';
		if (!valid_key(rest))
			return parse_error(ps, "invalid field key '%s'", rest);
		if (state_field(rec, rest))
			return parse_error(ps, "field '%s' appears twice", rest);
		if ((error = parse_value(ps, sp + 1, &value)) < 0)
			return error;
		field_append(&rec->fields, &rec->nfields, rest, value);
		free(value);
	} else {
		/* A newer pipe's line: skip it and its block. */
		while (str_starts(ps->p, "  ")) {
			const char *l;
			size_t n;
			next_line(ps, &l, &n);
		}
	}
	return 0;
}

int state_parse(const char *text, const char *path, struct state_record *rec)
{
	struct parser ps = {path, text, 0};
	struct state_record r;
	const char *start;
	size_t len;
	unsigned seen = 0;
	char *line = NULL;
	int error = 0;

	state_record_init(&r);
	state_record_init(rec);
	while (next_line(&ps, &start, &len)) {
		free(line);
		line = xstrndup(start, len);
		size_t wl = strcspn(line, " ");
		/* Values may hold a CR, but the first line never ends in one
		 * unless the file was converted to CRLF line ends. */
		if (wl == 0 || wl == len || (ps.line == 1 && line[len - 1] == '\r')) {
			if (!len)
				error = parse_error(&ps, "empty line");
			else if (line[0] == ' ')
				error = parse_error(&ps, "indented line outside a '|' block");
			else if (line[len - 1] == '\r')
				error = parse_error(&ps, "carriage return at the end of a line "
				                         "(CRLF line ends?)");
			else
				error = parse_error(&ps, "expected 'word value', got '%s'", line);
			goto done;
		}
		line[wl] = '\0';
		if ((error = parse_line(&ps, &r, line, line + wl + 1, &seen)) < 0)
			goto done;
	}
	if (!r.target) {
		ps.line = 1;
		error = parse_error(&ps, "not a state record: no 'target' line");
		goto done;
	}
	*rec = r;
	state_record_init(&r);
done:
	free(line);
	state_record_free(&r);
	return error;
}

int state_read(const char *state_dir, const char *target, struct state_record *rec)
{
	struct buf text = BUF_INIT;
	char *rel = NULL, *path = NULL;
	int error;

	state_record_init(rec);
	if ((error = check_target_name(target)) < 0)
		return error;
	rel = state_path(target);
	path = path_join(state_dir, rel);
	if ((error = file_read(path, &text)) < 0) {
		if (error == PIPE_ENOTFOUND)
			error_setcode(PIPE_ENOTFOUND, "no state record for target '%s'", target);
		goto done;
	}
	if ((error = state_parse(buf_cstr(&text), path, rec)) < 0)
		goto damaged;
	if (strcmp(rec->target, target)) {
		error = error_set("%s:1: the record is for target '%s', not '%s'", path,
		                  rec->target, target);
		state_record_free(rec);
		goto damaged;
	}
	goto done;
damaged: {
	/* never rebuilt over silently: the record is the target's history */
	char *msg = xasprintf("%s (the record is damaged: `pipe fsck` puts back the last "
	                      "committed one, or says what to do)", error_last());
	error_set("%s", msg);
	free(msg);
}
done:
	buf_free(&text);
	free(rel);
	free(path);
	return error;
}

int state_write(const char *state_dir, const struct state_record *rec)
{
	struct buf text = BUF_INIT;
	char *rel = NULL, *path = NULL, *slash;
	int error;

	if ((error = state_format(rec, &text)) < 0)
		goto done;
	rel = state_path(rec->target);
	path = path_join(state_dir, rel);
	/* The directory is made only when the write finds it missing: a build
	 * writes thousands of records into directories that exist. */
	if ((error = file_write_atomic(path, text.data, text.len)) == 0)
		goto done;
	slash = strrchr(path, '/');
	*slash = '\0';
	if (path_is_dir(path)) {
		*slash = '/';
		goto done; /* the directory was there: the write's error stands */
	}
	error_clear();
	error = mkdir_p(path);
	*slash = '/';
	if (error == 0)
		error = file_write_atomic(path, text.data, text.len);
done:
	buf_free(&text);
	free(rel);
	free(path);
	return error;
}

int state_remove(const char *state_dir, const char *target)
{
	char *rel = NULL, *path = NULL;
	int error;
	if ((error = check_target_name(target)) < 0)
		return error;
	rel = state_path(target);
	path = path_join(state_dir, rel);
	if (unlink(path) < 0 && errno != ENOENT)
		error = error_set("cannot remove %s: %s", path, strerror(errno));
	free(rel);
	free(path);
	return error;
}
