/* runs: the run history.  Every build that runs anything (a manual `pipe
 * build`, a scheduled one, one started from `pipe serve`) is a run, kept as
 * one text file, state/runs/<id>, committed with the build's own commit:
 *
 *   run 20261202T110000Z-4242.3
 *   trigger scheduler
 *   result failed
 *   start 2026-12-02T11:00:00Z
 *   end 2026-12-02T11:00:02Z
 *   duration_ms 2012.5
 *   built 1
 *   failed 1
 *   skipped 1
 *   restored 0
 *   satisfied 0
 *   target prices
 *   status built
 *   attempts 1
 *   duration_ms 412.0
 *   log |+
 *     GET https://api.example.com/prices page 1
 *     page 1: 500 rows, 81234 bytes
 *   target report
 *   status failed
 *   attempts 2
 *   duration_ms 1600.2
 *   error command exited with status 1
 *   log |+
 *     ...
 *
 * The header comes first, then a `target` line per target of the run, in
 * build order, each followed by its own lines.  Lines are a word, a space
 * and the rest, and values (error, log) that span lines are blocks, as in
 * a state record (state.c): `|` or `|+` and the lines indented by two.
 *
 * The header: the run's id (its start, UTC, and the pid, and for the
 * scheduler the run's number); its trigger (manual, scheduler, serve, or
 * what `pipe build --trigger` said); result: running while the build runs
 * (and the run so far is written again as targets finish), then ok,
 * failed, interrupted (a signal stopped it) or error (pipe itself failed:
 * a disk, a lock), or killed, which the next build writes over a running
 * that no build finishes; end and duration_ms once it ended; the count
 * of targets of each status.
 *
 * A target's status: built; restored (from the cache); satisfied (its
 * inputs were rebuilt with the content they had, so it was not: early
 * cutoff); failed; skipped (an input failed, or the build stopped first).
 * attempts: how many times it ran (retries).  log: what it said, in
 * order: its progress lines (a fetch's requests, a query's rows and bytes,
 * a load's rows), each failed attempt's output and why it failed, and the
 * last attempt's output (a command's stdout and stderr).  ${NAME} values
 * never get here: kinds redact them before they log or print.
 *
 * Bounds: a target's log keeps its last RUN_LOG_MAX bytes (64 KiB),
 * from a line start, under a first line saying how much was cut; a run's
 * logs together keep RUN_LOGS_MAX (1 MiB): targets past it, in build
 * order, keep the tail of what is left, then a line saying the log was left
 * out.  Bytes that are not UTF-8 become '?'.
 *
 * The history is bounded without anyone pruning: each build that writes a
 * run deletes the runs beyond the newest RUNS_KEEP (1,000) and those that
 * started more than RUNS_KEEP_DAYS (90) days ago, in its own commit.
 * `pipe runs prune` deletes more.  A build with nothing to do is not a
 * run: it writes and commits nothing, as before. */
#include "runs.h"
#include "state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const statuses[] = {"built", "failed", "skipped", "restored", "satisfied"};
enum { NSTATUS = 5 };

/* ---- logs while a build runs ---- */

/* Length of the valid UTF-8 sequence at p (n bytes left), 0 if none. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	size_t len;
	unsigned min;
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2, min = 0x80;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, min = 0x800;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, min = 0x10000;
	else
		return 0;
	if (n < len)
		return 0;
	unsigned cp = p[0] & (0x7f >> len);
	for (size_t k = 1; k < len; k++) {
		if ((p[k] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[k] & 0x3f);
	}
	return cp >= min && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? len : 0;
}

void run_log_add(struct run_log *l, const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	/* the tail is all that is kept: while it grows, twice the bound is
	 * held, then the front goes */
	if (n > 2 * RUN_LOG_MAX) {
		l->cut += l->text.len + (n - 2 * RUN_LOG_MAX);
		l->text.len = 0;
		s += n - 2 * RUN_LOG_MAX;
		n = 2 * RUN_LOG_MAX;
	}
	buf_grow(&l->text, n + 1);
	for (size_t k = 0; k < n;) {
		size_t len = utf8_len(s + k, n - k);
		/* NUL and the like would end the text early, or garble a terminal */
		if (len == 1 && s[k] < 0x20 && s[k] != '\n' && s[k] != '\t' && s[k] != '\r')
			len = 0;
		if (len)
			buf_add(&l->text, s + k, len);
		else
			buf_putc(&l->text, '?');
		k += len ? len : 1;
	}
	if (l->text.len > 2 * RUN_LOG_MAX) {
		size_t drop = l->text.len - RUN_LOG_MAX;
		memmove(l->text.data, l->text.data + drop, l->text.len - drop + 1);
		l->text.len -= drop;
		l->cut += drop;
	}
}

void run_log_printf(struct run_log *l, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	buf_putc(&b, '\n');
	run_log_add(l, b.data, b.len);
	buf_free(&b);
}

void run_log_free(struct run_log *l)
{
	buf_free(&l->text);
	l->cut = 0;
}

/* ---- writing ---- */

char *runs_path(const char *id) { return xasprintf(RUNS_DIR "/%s", id); }

/* A run id names a file in runs/: no '/', no leading '.', nothing odd. */
static bool valid_id(const char *id)
{
	if (!id || !*id || *id == '.' || strlen(id) > 100)
		return false;
	for (const char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '.' || *p == '-' || *p == '_'))
			return false;
	return !strstr(id, ".tmp.");
}

static void put_time(struct buf *b, const char *word, int64_t t)
{
	char iso[32];
	time_iso(t, iso);
	buf_printf(b, "%s %s\n", word, iso);
}

/* The log's last `keep` bytes, from a line start, under a line saying how
 * much went before. */
static void put_log(struct buf *b, const struct run_log *l, size_t keep, const char *why)
{
	const char *s = l->text.data;
	size_t len = l->text.len, start = 0;
	uint64_t cut = l->cut;
	struct buf v = BUF_INIT;
	if (!len && !cut)
		return;
	if (len > keep) {
		start = len - keep;
		const char *nl = memchr(s + start, '\n', len - start);
		start = nl && (size_t)(nl - s) + 1 < len ? (size_t)(nl - s) + 1 : start;
	}
	cut += start;
	if (cut)
		buf_printf(&v, "[%llu bytes before this were cut: %s]\n", (unsigned long long)cut, why);
	if (len > start)
		buf_add(&v, s + start, len - start);
	buf_puts(b, "log");
	state_value_format(b, buf_cstr(&v));
	buf_free(&v);
}

int runs_write(const char *state_dir, const struct run_file *r)
{
	struct buf b = BUF_INIT;
	unsigned counts[NSTATUS] = {0};
	size_t logs_left = RUN_LOGS_MAX;
	char *dir = path_join(state_dir, RUNS_DIR), *rel = runs_path(r->id), *path = NULL;
	int error;

	if (!valid_id(r->id)) {
		error = error_set("run id '%s' is not a file name", r->id);
		goto done;
	}
	for (size_t i = 0; i < r->ntargets; i++)
		for (int k = 0; k < NSTATUS; k++)
			if (!strcmp(r->targets[i].status, statuses[k]))
				counts[k]++;
	buf_printf(&b, "run %s\ntrigger %s\nresult %s\n", r->id, r->trigger, r->result);
	put_time(&b, "start", r->start);
	if (r->end) {
		put_time(&b, "end", r->end);
		buf_printf(&b, "duration_ms %.1f\n", r->duration_ms);
	}
	for (int k = 0; k < NSTATUS; k++)
		buf_printf(&b, "%s %u\n", statuses[k], counts[k]);
	for (size_t i = 0; i < r->ntargets; i++) {
		const struct run_target *t = &r->targets[i];
		buf_printf(&b, "target %s\nstatus %s\n", t->name, t->status);
		if (t->attempts)
			buf_printf(&b, "attempts %d\n", t->attempts);
		buf_printf(&b, "duration_ms %.1f\n", t->duration_ms);
		if (t->error) {
			buf_puts(&b, "error");
			state_value_format(&b, t->error);
		}
		if (!t->log || (!t->log->text.len && !t->log->cut))
			continue;
		if (!logs_left) {
			buf_puts(&b, "log [left out: the run's logs reached 1 MiB]\n");
			continue;
		}
		size_t keep = t->log->text.len < RUN_LOG_MAX ? t->log->text.len : RUN_LOG_MAX;
		bool run_bound = keep > logs_left;
		if (run_bound)
			keep = logs_left;
		put_log(&b, t->log, keep, run_bound ? "the run's logs keep 1 MiB" : "a log keeps its last 64 KiB");
		logs_left -= keep;
	}
	if ((error = mkdir_p(dir)) < 0)
		goto done;
	path = path_join(state_dir, rel);
	error = file_write_atomic(path, b.data, b.len);
done:
	buf_free(&b);
	free(dir);
	free(rel);
	free(path);
	return error;
}

/* ---- reading ---- */

struct parsed_target {
	char *name, *status, *error, *log;
	int attempts;
	double duration_ms;
};

struct parsed {
	char *id, *trigger, *result;
	int64_t start, end;
	double duration_ms;
	unsigned counts[NSTATUS];
	struct parsed_target *targets;
	size_t ntargets, cap;
};

static void parsed_free(struct parsed *p)
{
	free(p->id);
	free(p->trigger);
	free(p->result);
	for (size_t i = 0; i < p->ntargets; i++) {
		free(p->targets[i].name);
		free(p->targets[i].status);
		free(p->targets[i].error);
		free(p->targets[i].log);
	}
	free(p->targets);
	memset(p, 0, sizeof(*p));
}

static void set_string(char **slot, const char *v)
{
	free(*slot);
	*slot = xstrdup(v);
}

/* The file's text; header_only stops at the first target, whose lines a
 * list does not need (they hold the logs). */
static int parse_run(const char *text, const char *path, bool header_only, struct parsed *p)
{
	const char *s = text;
	int line = 0, error = 0;
	struct parsed_target *t = NULL;
	while (*s && !error) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		char *l = xstrndup(s, len), *sp = strchr(l, ' ');
		const char *word = l, *rest = sp ? sp + 1 : "";
		s = nl ? nl + 1 : s + len;
		line++;
		if (sp)
			*sp = '\0';
		if (!strcmp(word, "target")) {
			if (header_only) {
				free(l);
				break;
			}
			grow_array(&p->targets, &p->cap, p->ntargets + 1, sizeof(*p->targets));
			t = &p->targets[p->ntargets++];
			memset(t, 0, sizeof(*t));
			t->name = xstrdup(rest);
		} else if (t && !strcmp(word, "status")) {
			set_string(&t->status, rest);
		} else if (t && !strcmp(word, "attempts")) {
			t->attempts = atoi(rest);
		} else if (t && !strcmp(word, "duration_ms")) {
			t->duration_ms = strtod(rest, NULL);
		} else if (t && (!strcmp(word, "error") || !strcmp(word, "log"))) {
			char **slot = word[0] == 'e' ? &t->error : &t->log, *v = NULL;
			if ((error = state_value_parse(path, &s, &line, rest, &v)) == 0) {
				free(*slot);
				*slot = v;
			}
		} else if (!t && !strcmp(word, "run")) {
			set_string(&p->id, rest);
		} else if (!t && !strcmp(word, "trigger")) {
			set_string(&p->trigger, rest);
		} else if (!t && !strcmp(word, "result")) {
			set_string(&p->result, rest);
		} else if (!t && (!strcmp(word, "start") || !strcmp(word, "end"))) {
			int64_t at = time_parse_iso(rest);
			if (at < 0)
				error = error_set("%s:%d: expected a time (2026-12-02T11:00:00Z), got '%s'", path, line, rest);
			*(word[0] == 's' ? &p->start : &p->end) = at;
		} else if (!t && !strcmp(word, "duration_ms")) {
			p->duration_ms = strtod(rest, NULL);
		} else {
			for (int k = 0; k < NSTATUS && !t; k++)
				if (!strcmp(word, statuses[k]))
					p->counts[k] = (unsigned)strtoul(rest, NULL, 10);
			/* a word a newer pipe added: its block lines go with it */
			while (str_starts(s, "  ")) {
				const char *e = strchr(s, '\n');
				s = e ? e + 1 : s + strlen(s);
				line++;
			}
		}
		free(l);
	}
	if (!error && (!p->id || !p->trigger || !p->result))
		error = error_set("%s: not a run: it lacks its run, trigger or result line", path);
	return error;
}

static int read_run(const char *state_dir, const char *id, bool header_only, struct parsed *p)
{
	char *rel = NULL, *path = NULL;
	struct buf text = BUF_INIT;
	int error = 0;
	memset(p, 0, sizeof(*p));
	if (!valid_id(id))
		return error_setcode(PIPE_ENOTFOUND, "no run '%s' (`pipe runs` lists them)", id ? id : "");
	rel = runs_path(id);
	path = path_join(state_dir, rel);
	if (header_only) {
		/* the header is a few hundred bytes; the rest may be a megabyte of logs */
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		ssize_t n;
		if (fd < 0) {
			error = errno == ENOENT ? error_setcode(PIPE_ENOTFOUND, "no run '%s' (`pipe runs` lists them)", id)
			                        : error_set("%s: %s", path, strerror(errno));
			goto done;
		}
		buf_grow(&text, 4096);
		while ((n = read(fd, text.data + text.len, 4096 - text.len)) > 0 && (text.len += (size_t)n) < 4096)
			;
		close(fd);
		if (n < 0) {
			error = error_set("%s: %s", path, strerror(errno));
			goto done;
		}
		text.data[text.len] = '\0';
		if (text.len == 4096) { /* a line cut short is not parsed */
			char *nl = strrchr(text.data, '\n');
			if (nl)
				nl[1] = '\0';
		}
	} else if ((error = file_read(path, &text)) < 0) {
		if (!path_exists(path))
			error = error_setcode(PIPE_ENOTFOUND, "no run '%s' (`pipe runs` lists them)", id);
		goto done;
	}
	error = parse_run(buf_cstr(&text), path, header_only, p);
done:
	if (error < 0)
		parsed_free(p);
	buf_free(&text);
	free(rel);
	free(path);
	return error;
}

static int newest_first(const void *a, const void *b)
{
	/* ids start with their time; strverscmp puts run .10 after .9 */
	return strverscmp(*(char *const *)b, *(char *const *)a);
}

/* The ids in state_dir/runs, newest first. */
static int list_ids(const char *state_dir, char ***ids, size_t *n)
{
	char *dir = path_join(state_dir, RUNS_DIR);
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t cap = 0;
	*ids = NULL;
	*n = 0;
	if (!d) {
		int error = errno == ENOENT ? 0 : error_set("%s: %s", dir, strerror(errno));
		free(dir);
		return error;
	}
	while ((de = readdir(d)))
		if (valid_id(de->d_name)) {
			grow_array(ids, &cap, *n + 1, sizeof(char *));
			(*ids)[(*n)++] = xstrdup(de->d_name);
		}
	closedir(d);
	free(dir);
	if (*n)
		qsort(*ids, *n, sizeof(char *), newest_first);
	return 0;
}

static void free_ids(char **ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

/* ---- JSON and text ---- */

static void json_time(struct buf *b, const char *key, int64_t t)
{
	char iso[32];
	buf_printf(b, ",\"%s\":", key);
	if (!t) {
		buf_puts(b, "null");
		return;
	}
	time_iso(t, iso);
	buf_json_string(b, iso);
}

static void json_header(struct buf *b, const struct parsed *p)
{
	buf_puts(b, "{\"id\":");
	buf_json_string(b, p->id);
	buf_puts(b, ",\"trigger\":");
	buf_json_string(b, p->trigger);
	buf_puts(b, ",\"result\":");
	buf_json_string(b, p->result);
	json_time(b, "start", p->start);
	json_time(b, "end", p->end);
	buf_printf(b, ",\"ok\":%s", !strcmp(p->result, "ok") ? "true" : "false");
	for (int k = 0; k < NSTATUS; k++)
		buf_printf(b, ",\"%s\":%u", statuses[k], p->counts[k]);
}

int runs_list_json(const char *state_dir, int max, struct buf *out)
{
	char **ids;
	size_t n, shown = 0;
	int error;
	if ((error = list_ids(state_dir, &ids, &n)) < 0)
		return error;
	buf_putc(out, '[');
	for (size_t i = 0; i < n && (max <= 0 || shown < (size_t)max); i++) {
		struct parsed p;
		if (read_run(state_dir, ids[i], true, &p) < 0) {
			error_clear(); /* one damaged file does not hide the others */
			continue;
		}
		if (shown++)
			buf_putc(out, ',');
		json_header(out, &p);
		buf_putc(out, '}');
		parsed_free(&p);
	}
	buf_putc(out, ']');
	free_ids(ids, n);
	return 0;
}

int runs_show_json(const char *state_dir, const char *id, struct buf *out)
{
	struct parsed p;
	int error;
	if ((error = read_run(state_dir, id, false, &p)) < 0)
		return error;
	json_header(out, &p);
	buf_puts(out, ",\"targets\":[");
	for (size_t i = 0; i < p.ntargets; i++) {
		const struct parsed_target *t = &p.targets[i];
		buf_puts(out, i ? ",{\"name\":" : "{\"name\":");
		buf_json_string(out, t->name);
		buf_puts(out, ",\"status\":");
		buf_json_string(out, t->status ? t->status : "");
		buf_printf(out, ",\"attempts\":%d,\"duration_ms\":%.1f", t->attempts, t->duration_ms);
		if (t->error) {
			buf_puts(out, ",\"error\":");
			buf_json_string(out, t->error);
		}
		buf_puts(out, ",\"log\":");
		buf_json_string(out, t->log ? t->log : "");
		buf_putc(out, '}');
	}
	buf_puts(out, "]}");
	parsed_free(&p);
	return 0;
}

static void format_ms(char *out, size_t len, double ms)
{
	if (ms < 1000)
		snprintf(out, len, "%.0f ms", ms);
	else
		snprintf(out, len, "%.1f s", ms / 1000);
}

int runs_list_print(const char *state_dir, int max, FILE *out)
{
	char **ids;
	size_t n, shown = 0;
	int error;
	if ((error = list_ids(state_dir, &ids, &n)) < 0)
		return error;
	if (!n)
		fputs("pipe: no runs yet (a build that runs a target records one)\n", out);
	for (size_t i = 0; i < n && (max <= 0 || shown < (size_t)max); i++) {
		struct parsed p;
		char start[32], took[32];
		if (read_run(state_dir, ids[i], true, &p) < 0) {
			fprintf(out, "%-28s %s\n", ids[i], error_last());
			error_clear();
			continue;
		}
		if (!shown++)
			fprintf(out, "%-28s %-11s %-9s %-20s  BUILT FAILED SKIPPED RESTORED SATISFIED  TOOK\n",
			        "RUN", "RESULT", "TRIGGER", "START");
		time_iso(p.start, start);
		format_ms(took, sizeof(took), p.duration_ms);
		fprintf(out, "%-28s %-11s %-9s %-20s  %5u %6u %7u %8u %9u  %s\n", p.id, p.result, p.trigger, start,
		        p.counts[0], p.counts[1], p.counts[2], p.counts[3], p.counts[4], p.end ? took : "-");
		parsed_free(&p);
	}
	free_ids(ids, n);
	return 0;
}

int runs_show_print(const char *state_dir, const char *id, FILE *out)
{
	char **ids = NULL, *rel = NULL, *path = NULL;
	size_t n = 0;
	struct buf text = BUF_INIT;
	struct parsed p;
	int error;
	if (!id) {
		if ((error = list_ids(state_dir, &ids, &n)) < 0)
			return error;
		if (!n) {
			error = error_setcode(PIPE_ENOTFOUND, "no runs yet (a build that runs a target records one)");
			goto done;
		}
		id = ids[0];
	}
	/* parsed first: a damaged file is an error naming its line */
	if ((error = read_run(state_dir, id, false, &p)) < 0)
		goto done;
	parsed_free(&p);
	rel = runs_path(id);
	path = path_join(state_dir, rel);
	if ((error = file_read(path, &text)) < 0)
		goto done;
	fwrite(text.data, 1, text.len, out);
done:
	buf_free(&text);
	free_ids(ids, n);
	free(rel);
	free(path);
	return error;
}

/* ---- bounds ---- */

/* The start a run id says (20261202T110000Z-...), or -1. */
static int64_t id_time(const char *id)
{
	char iso[32];
	if (strlen(id) < 16 || id[8] != 'T' || id[15] != 'Z')
		return -1;
	snprintf(iso, sizeof(iso), "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", id, id + 4, id + 6, id + 9, id + 11, id + 13);
	return time_parse_iso(iso);
}

int runs_prune(const char *state_dir, int keep_last, int64_t older_than, const char *keep_id,
               bool dry, struct buf *removed)
{
	char **ids;
	size_t n, kept = 0;
	int error, count = 0;
	if ((error = list_ids(state_dir, &ids, &n)) < 0)
		return error;
	for (size_t i = 0; i < n; i++) {
		int64_t at = id_time(ids[i]);
		bool own = keep_id && !strcmp(ids[i], keep_id);
		if (own || ((keep_last <= 0 || kept < (size_t)keep_last) && (older_than <= 0 || at < 0 || at >= older_than))) {
			kept++;
			continue;
		}
		char *rel = runs_path(ids[i]), *path = path_join(state_dir, rel);
		if (!dry && unlink(path) < 0 && errno != ENOENT) {
			error = error_set("%s: %s", path, strerror(errno));
		} else {
			buf_printf(removed, "%s\n", rel);
			count++;
		}
		free(rel);
		free(path);
		if (error < 0)
			break;
	}
	free_ids(ids, n);
	return error < 0 ? error : count;
}

int runs_mark_killed(const char *state_dir, const char *keep_id)
{
	char **ids;
	size_t n;
	int error;
	if ((error = list_ids(state_dir, &ids, &n)) < 0)
		return error;
	for (size_t i = 0; i < n && !error; i++) {
		struct parsed p;
		struct buf text = BUF_INIT;
		char *rel, *path, *line;
		if ((keep_id && !strcmp(ids[i], keep_id)) || read_run(state_dir, ids[i], true, &p) < 0) {
			error_clear();
			continue;
		}
		bool running = !strcmp(p.result, "running");
		parsed_free(&p);
		if (!running)
			continue;
		rel = runs_path(ids[i]);
		path = path_join(state_dir, rel);
		if ((error = file_read(path, &text)) == 0 && (line = strstr(text.data, "\nresult running\n"))) {
			struct buf b = BUF_INIT;
			buf_add(&b, text.data, (size_t)(line - text.data));
			buf_puts(&b, "\nresult killed\n");
			buf_puts(&b, line + strlen("\nresult running\n"));
			error = file_write_atomic(path, b.data, b.len);
			buf_free(&b);
		}
		buf_free(&text);
		free(rel);
		free(path);
	}
	free_ids(ids, n);
	return error;
}
