/* load: JSON, NDJSON and CSV rows into warehouse tables.
 *
 * Two passes.  The first reads every record and decides the schema: which
 * columns and child tables exist and each column's type over all rows (1
 * then 1.5 is FLOAT64), and checks hints, conversions and a frozen schema, so
 * that a bad input fails before anything is written.  On the way it writes a
 * tape: each value with its node already resolved, and each row's end.  A
 * value of a hinted column (Socrata sends every value as a string, with its
 * type in X-SODA2-Types) is converted once, here, and goes on the tape
 * converted.  The second pass replays the tape (no JSON to tokenise again),
 * converts the other values to their columns' types and appends them to
 * typed column vectors that go to the table writer a batch at a time.
 * Memory is one record, one batch per table and the schema; the tape is a
 * temporary file beside the output.
 *
 * Threads, as there is work for two cores in each pass: in the first, the
 * JSON reader reads and tokenises ahead of the walk (json.c); in the second,
 * the replay runs in a thread of its own while the calling thread appends
 * the full batches to the writers (struct sink).
 *
 * The tape, never kept; numbers are unsigned LEB128 varints:
 *   'R' source, row                    a record starts (for messages)
 *   0x80|escaped<<4|type, node, len, bytes   a value (type: enum json_type)
 *   'I', node, zigzag(v)               values the first pass converted: a
 *   'D', node, zigzag(m), frac         NUMBER's whole value; its decimal
 *   'T', node, zigzag(v) | 8 bytes     m / 10^frac; a value of the hint's
 *                                      type (int64, days, 0/1, micros; a
 *                                      FLOAT64's 8 bytes as they are)
 *   'E' table, id, parent+1, root+1, index+1  a row ends
 * Row numbers on the tape count from 0 per table; the second pass makes
 * them row ids (row_id).
 *
 * Names: a record's key becomes a column through load_column_name; a nested
 * object's keys become parent__child columns; an array becomes rows of a
 * child table <table>__<key> (inside the parent's directory), linked by
 * _pipe_parent_id and _pipe_list_idx.  A node is one key under one parent
 * (the root of a table or a nested object): the cache that maps a record's
 * raw key bytes to its column without normalising the name again per row.
 *
 * append and merge write the new rows to a staging table next to the output,
 * then assemble the output from the old table's rows and the new ones,
 * leaving out rows that a newer row with the same primary key replaces. */
#include "load.h"

/* The writer double-buffers its rows on large writes: half its default
 * budget keeps a load, its reader thread and its buffers under 64 MB
 * whatever the input's size. */
#define LOAD_WRITER_MEMORY (8u << 20)

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "json.h"
#include "warehouse/table.h"
#include "warehouse/value.h"

/* BigQuery's limits, which a load keeps to (docs/staging.md): objects and
 * arrays nested deeper than LOAD_MAX_NESTING below the record are kept as
 * their JSON text in one STRING column; a flattened name longer than
 * LOAD_MAX_NAME is shortened; a table has at most LOAD_MAX_COLUMNS. */
#define LOAD_MAX_NESTING 15
#define LOAD_MAX_NAME 300
#define LOAD_MAX_COLUMNS 10000

/* Tape events of converted values (see the format above). */
enum { TAPE_INT = 'I', TAPE_DEC = 'D', TAPE_TYPED = 'T' };

/* Kinds of values seen in a column during the first pass. */
enum {
	C_INT = 1,
	C_FLOAT = 2,
	C_BOOL = 4,
	C_STRING = 8,
	C_DATE = 16,
	C_TIMESTAMP = 32,
};

/* One value from a record: a JSON token or a CSV field (typed by its look,
 * as a JSON token would be). */
struct cell {
	uint8_t type; /* enum json_type */
	bool escaped; /* a JSON string that may hold escapes: decode before use */
	const char *p;
	size_t len;
};

/* Variant columns, as dlt names them: col__v_text and so on. */
enum { V_TEXT, V_BIGINT, V_DOUBLE, V_BOOL, V_TIMESTAMP, V_DATE, V_COUNT };
static const char *const variant_suffix[V_COUNT] = {"text", "bigint", "double", "bool", "timestamp", "date"};
static const enum type variant_type[V_COUNT] = {TYPE_STRING, TYPE_INT64, TYPE_FLOAT64, TYPE_BOOL, TYPE_TIMESTAMP, TYPE_DATE};

struct column {
	char *name;
	unsigned seen;   /* C_* seen in this load */
	enum type hint;  /* TYPE_NULL: none */
	bool number;     /* the NUMBER hint: INT64 or FLOAT64 by content */
	bool fixed;      /* the type is the existing table's */
	enum type type;  /* decided after the first pass */
	int pos;         /* index in the table's batch; -1 when never set */
	int64_t last_row; /* the first pass: the row that last set it */
	struct column *variant[V_COUNT];
	/* For the decisions a load prints and records (load_result.decisions):
	 * values of each C_* kind seen without a hint, and integers beyond
	 * INT64 (loaded as FLOAT64, rounded), with the first one's text. */
	int64_t nkind[6];
	int64_t beyond_int64;
	char *beyond_example;
};

enum { LIN_LOAD_ID, LIN_ROW_ID, LIN_PARENT_ID, LIN_ROOT_ID, LIN_LIST_IDX, LIN_COUNT };
static const char *const lineage_name[LIN_COUNT] = {"_pipe_load_id", "_pipe_row_id", "_pipe_parent_id",
                                                    "_pipe_root_id", "_pipe_list_idx"};

struct ltable {
	char *name;
	int parent; /* table index, -1 for the root */
	int root;   /* its node */
	struct column **cols;
	size_t ncols, capcols;
	struct strmap by_name; /* column name -> struct column * */
	/* The second pass. */
	struct table_spec spec;
	struct batch batch;
	struct batch spare; /* the batch the sink may be appending */
	struct sink *sink;  /* NULL: batches are appended here and now */
	struct table_writer *w;
	int lin[LIN_COUNT]; /* batch positions, -1 when the table has none */
	int64_t next_id, rows; /* next_id: the first pass's row count */
	/* Row ids: a hash of (load id, table, base + the row's number in this
	 * load), so that the same input gives the same ids and the same table,
	 * and a merge of data already loaded changes nothing.  base is the
	 * table's row count before an append, else 0. */
	uint64_t seed;
	int64_t base;
	char *dir;
	struct table *prev; /* the existing table, for append and merge */
};

struct node {
	int parent;
	const char *raw; /* the key as it is in the source (copied) */
	size_t rawlen;
	char *name; /* the flattened column name within its table */
	int table;
	struct column *col; /* when a scalar was seen */
	int child;          /* the child table when an array was seen, else -1 */
	/* Records mostly repeat their keys in the same order: the nodes of
	 * this object's keys as last seen, checked before hashing. */
	int *order;
	size_t norder, caporder;
};

struct hint {
	char *name;
	enum type type;
	bool number;
	bool user; /* the target's types, not the source's */
};

struct loader {
	const struct load_options *o;
	int pass;
	struct node *nodes;
	size_t nnodes, capnodes;
	int *slots; /* open addressing over nodes by (parent, raw) */
	size_t nslots;
	struct ltable *tables;
	size_t ntables, captables;
	struct hint *hints;
	size_t nhints;
	struct arena mem; /* node keys */
	/* The record being read, for messages. */
	const char *src;
	struct json_reader *reader; /* JSON: the position is counted on demand */
	int64_t line, col, rowno, loaded;
	size_t src_index;
	/* The first pass's tape, which the second replays. */
	FILE *tape;
	char *tape_path;
	struct buf tape_out;
	char *tape_in;
	size_t tape_len, tape_pos, tape_cap;
	struct buf scratch;
	char *stage; /* append/merge: where the new rows go first */
	/* The existing table when it matters: append, merge, or a frozen
	 * schema; NULL for a plain replace (the old schema does not bind). */
	const char *prev_dir;
};

/* Names. */

char *load_column_name(const char *s, size_t len)
{
	struct buf b = BUF_INIT;
	bool under = false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (under && b.len)
				buf_putc(&b, '_');
			else if (under && !b.len)
				buf_putc(&b, '_');
			under = false;
			if (!b.len && c >= '0' && c <= '9')
				buf_putc(&b, '_');
			buf_putc(&b, c);
		} else
			under = true;
	}
	if (!b.len)
		buf_putc(&b, '_');
	return buf_detach(&b);
}

/* Classifying strings: ISO 8601 dates and timestamps. */

static int digits(const char *p, const char *end, int n)
{
	int v = 0;
	if (end - p < n)
		return -1;
	for (int i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

/* YYYY-MM-DD is C_DATE; YYYY-MM-DD(T| )HH:MM[:SS[.f+]][Z|+HH[:MM]] is
 * C_TIMESTAMP; anything else C_STRING. */
static unsigned classify_string(const char *p, size_t len)
{
	const char *end = p + len;
	int y, m, d;
	if (len < 10 || p[4] != '-' || p[7] != '-')
		return C_STRING;
	if ((y = digits(p, end, 4)) < 1 || (m = digits(p + 5, end, 2)) < 0 || (d = digits(p + 8, end, 2)) < 0 ||
	    !civil_valid(y, m, d))
		return C_STRING;
	if (len == 10)
		return C_DATE;
	p += 10;
	if ((*p != 'T' && *p != ' ') || digits(p + 1, end, 2) < 0 || digits(p + 1, end, 2) > 23 || end - p < 6 ||
	    p[3] != ':' || digits(p + 4, end, 2) < 0 || digits(p + 4, end, 2) > 59)
		return C_STRING;
	p += 6;
	if (p < end && *p == ':') {
		if (digits(p + 1, end, 2) < 0 || digits(p + 1, end, 2) > 60)
			return C_STRING;
		p += 3;
		if (p < end && *p == '.') {
			const char *f = ++p;
			while (p < end && *p >= '0' && *p <= '9')
				p++;
			if (p == f)
				return C_STRING;
		}
	}
	if (p < end && *p == 'Z')
		p++;
	else if (p < end && (*p == '+' || *p == '-')) {
		if (digits(p + 1, end, 2) < 0)
			return C_STRING;
		p += 3;
		if (p < end && *p == ':')
			p++;
		if (p < end) {
			if (digits(p, end, 2) < 0)
				return C_STRING;
			p += 2;
		}
	}
	return p == end ? C_TIMESTAMP : C_STRING;
}

/* The text of a cell (strings decoded). */
static const char *cell_text(struct loader *L, const struct cell *c, size_t *len)
{
	if (!c->escaped || !memchr(c->p, '\\', c->len)) {
		*len = c->len;
		return c->p;
	}
	buf_clear(&L->scratch);
	{
		/* Decoding goes through a one-token document: the same rules as
		 * every other string. */
		struct json_tok t = {.type = JSON_STRING, .start = 0, .end = (int)c->len};
		struct json_doc d = {.text = c->p, .len = c->len, .toks = &t, .ntoks = 1};
		struct buf out = BUF_INIT;
		const char *s = json_str(&d, 0, &out, len);
		buf_add(&L->scratch, s, *len);
		buf_free(&out);
	}
	return buf_cstr(&L->scratch);
}

/* Up to 18 digits with an optional '-': no overflow possible. */
static bool fast_int64(const char *p, size_t len, int64_t *out)
{
	const char *end = p + len;
	bool neg = p < end && *p == '-';
	int64_t v = 0;
	p += neg;
	if (p == end || end - p > 18)
		return false;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (*p - '0');
	}
	*out = neg ? -v : v;
	return true;
}

static bool int64_text(const char *p, size_t len, int64_t *out)
{
	char tmp[32];
	char *end;
	if (len == 0 || len >= sizeof(tmp))
		return false;
	memcpy(tmp, p, len);
	tmp[len] = 0;
	errno = 0;
	*out = strtoll(tmp, &end, 10);
	return !errno && *end == 0;
}

/* A value's class.  A string is classified as written: an escape never
 * makes a date. */
static unsigned cell_class(const struct cell *c)
{
	int64_t i;
	switch (c->type) {
	case JSON_INT:
		return fast_int64(c->p, c->len, &i) || int64_text(c->p, c->len, &i) ? C_INT : C_FLOAT;
	case JSON_FLOAT:
		return C_FLOAT;
	case JSON_TRUE:
	case JSON_FALSE:
		return C_BOOL;
	default:
		return classify_string(c->p, c->len);
	}
}

static int row_error(struct loader *L, const char *fmt, ...) PIPE_PRINTF(2, 3);

static int row_error(struct loader *L, const char *fmt, ...)
{
	struct buf msg = BUF_INIT;
	va_list ap;
	int error;
	va_start(ap, fmt);
	buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	if (L->reader)
		json_reader_pos(L->reader, &L->line, &L->col);
	if (L->line > 0)
		error = error_setcode(PIPE_EUSAGE, "%s:%lld:%lld: row %lld: %s", L->src, (long long)L->line,
		                      (long long)L->col, (long long)L->rowno, buf_cstr(&msg));
	else
		error = error_setcode(PIPE_EUSAGE, "%s: row %lld: %s", L->src, (long long)L->rowno, buf_cstr(&msg));
	buf_free(&msg);
	return error;
}

/* A plain decimal (-12.50) with at most 15 significant digits is m / 10^k
 * with m and 10^k exact doubles, so one division rounds it correctly; the
 * rest goes to value_parse. */
static bool fast_double(const char *p, size_t len, double *out)
{
	static const double pow10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	                               1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
	const char *end = p + len;
	bool neg = false, dot = false;
	int64_t m = 0;
	int digits = 0, frac = 0;
	if (p < end && *p == '-') {
		neg = true;
		p++;
	}
	if (p == end)
		return false;
	for (; p < end; p++) {
		if (*p >= '0' && *p <= '9') {
			if (++digits > 15)
				return false;
			m = m * 10 + (*p - '0');
			frac += dot;
		} else if (*p == '.' && !dot)
			dot = true;
		else
			return false;
	}
	if (!digits || (dot && !frac))
		return false;
	*out = (double)m / pow10[frac];
	if (neg)
		*out = -*out;
	return true;
}

/* The common shape YYYY-MM-DD(T| )HH:MM:SS[.f...][Z] (what Socrata and most
 * APIs send); anything else goes to value_parse. */
static bool fast_timestamp(const char *p, size_t len, int64_t *out)
{
	const char *end = p + len, *f;
	int y, mo, d, h, mi, sec;
	int64_t frac = 0, scale = 1000000;
	if (len < 19 || p[4] != '-' || p[7] != '-' || (p[10] != 'T' && p[10] != ' ') || p[13] != ':' || p[16] != ':')
		return false;
	if ((y = digits(p, end, 4)) < 1 || (mo = digits(p + 5, end, 2)) < 0 || (d = digits(p + 8, end, 2)) < 0 ||
	    (h = digits(p + 11, end, 2)) < 0 || h > 23 || (mi = digits(p + 14, end, 2)) < 0 || mi > 59 ||
	    (sec = digits(p + 17, end, 2)) < 0 || sec > 59 || !civil_valid(y, mo, d))
		return false;
	f = p + 19;
	if (f < end && *f == '.') {
		if (f + 1 == end || f[1] < '0' || f[1] > '9')
			return false;
		for (f++; f < end && *f >= '0' && *f <= '9'; f++) {
			if (scale == 1)
				return false; /* more than microseconds: value_parse decides */
			scale /= 10;
			frac += (*f - '0') * scale;
		}
	}
	if (f < end && *f == 'Z')
		f++;
	if (f != end)
		return false;
	*out = (int64_t)days_from_civil(y, mo, d) * US_PER_DAY + ((int64_t)h * 3600 + mi * 60 + sec) * US_PER_SEC + frac;
	return true;
}

/* Where s stops being valid UTF-8 (overlong forms, surrogates and code
 * points past U+10FFFF are not), or len. */
static size_t utf8_valid_len(const unsigned char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		unsigned char b = s[i];
		unsigned cp, min;
		size_t n;
		uint64_t w;
		/* most text is ASCII: eight bytes at a time */
		while (i + 8 <= len && (memcpy(&w, s + i, 8), !(w & 0x8080808080808080ull)))
			i += 8;
		if (i == len)
			break;
		if ((b = s[i]) < 0x80) {
			i++;
			continue;
		}
		if ((b & 0xE0) == 0xC0)
			n = 1, cp = b & 0x1F, min = 0x80;
		else if ((b & 0xF0) == 0xE0)
			n = 2, cp = b & 0x0F, min = 0x800;
		else if ((b & 0xF8) == 0xF0)
			n = 3, cp = b & 0x07, min = 0x10000;
		else
			return i;
		if (len - i <= n)
			return i;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return i;
			cp = cp << 6 | (s[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return i;
		i += n + 1;
	}
	return len;
}

/* A STRING must be UTF-8, as BigQuery's load jobs require: a Latin-1 file
 * is refused, not loaded as bytes no query can compare. */
static int check_utf8(struct loader *L, const struct column *c, const struct cell *v)
{
	size_t ok = utf8_valid_len((const unsigned char *)v->p, v->len);
	if (ok == v->len)
		return 0;
	return row_error(L, "column %s: invalid UTF-8: byte 0x%02x after \"%.*s\" (BigQuery rejects it too): "
	                 "convert the file to UTF-8, e.g. iconv -f LATIN1 -t UTF-8", c->name,
	                 (unsigned char)v->p[ok], ok > 40 ? 40 : (int)ok, v->p + (ok > 40 ? ok - 40 : 0));
}

/* A number written beyond FLOAT64's range (1e400) would load as infinity. */
static bool out_of_range(const char *p, size_t len)
{
	char tmp[64], *copy;
	double d;
	if (len < 300 && !memchr(p, 'e', len) && !memchr(p, 'E', len))
		return false;
	copy = len < sizeof(tmp) ? tmp : xmalloc(len + 1);
	memcpy(copy, p, len);
	copy[len] = '\0';
	d = strtod(copy, NULL);
	if (copy != tmp)
		free(copy);
	return isinf(d);
}

static int range_error(struct loader *L, const struct column *c, const char *s, size_t len, const char *type)
{
	return row_error(L, "column %s: %.*s is out of range for %s (BigQuery rejects it too; the largest FLOAT64 is "
	                 "about 1.8e308): fix the value, or load the column as text (types = %s:STRING)",
	                 c->name, len > 80 ? 80 : (int)len, s, type, c->name);
}

/* The value of cell as type t: 0, or PIPE_EUSAGE when it does not convert.
 * Strings point into the cell or the scratch buffer. */
static int convert(struct loader *L, const struct cell *c, enum type t, struct value *out)
{
	size_t len;
	const char *s = cell_text(L, c, &len);
	if (t == TYPE_STRING) {
		*out = value_string(s, len);
		return 0;
	}
	if ((t == TYPE_BOOL) != (c->type == JSON_TRUE || c->type == JSON_FALSE) && c->type != JSON_STRING)
		return PIPE_EUSAGE;
	out->is_null = false;
	out->type = t;
	if ((t == TYPE_INT64 && fast_int64(s, len, &out->i)) || (t == TYPE_FLOAT64 && fast_double(s, len, &out->f)) ||
	    (t == TYPE_TIMESTAMP && fast_timestamp(s, len, &out->us)))
		return 0;
	if (value_parse(t, s, len, out) == 0)
		return t == TYPE_FLOAT64 && isinf(out->f) && out_of_range(s, len) ? PIPE_EUSAGE : 0;
	/* "1.0" is a whole number too: Socrata and pandas write them so. */
	if (t == TYPE_INT64 && value_parse(TYPE_FLOAT64, s, len, out) == 0 && out->f == floor(out->f) &&
	    fabs(out->f) < 9.2e18) {
		*out = value_int64((int64_t)out->f);
		return 0;
	}
	return PIPE_EUSAGE;
}

/* Whether a value of class k goes into a column of type t unchanged. */
static bool fits(unsigned k, enum type t)
{
	switch (t) {
	case TYPE_STRING: return true;
	case TYPE_INT64: return k == C_INT;
	case TYPE_FLOAT64: return k == C_INT || k == C_FLOAT;
	case TYPE_NUMERIC: return k == C_INT || k == C_FLOAT;
	case TYPE_BOOL: return k == C_BOOL;
	case TYPE_DATE: return k == C_DATE;
	case TYPE_TIMESTAMP: case TYPE_DATETIME: return k == C_DATE || k == C_TIMESTAMP;
	default: return false;
	}
}

static int variant_of(unsigned k)
{
	switch (k) {
	case C_INT: return V_BIGINT;
	case C_FLOAT: return V_DOUBLE;
	case C_BOOL: return V_BOOL;
	case C_DATE: return V_DATE;
	case C_TIMESTAMP: return V_TIMESTAMP;
	default: return V_TEXT;
	}
}

/* The schema. */

/* The column named name in t, made on first sight: keys that differ in the
 * source but normalise alike (VendorID, vendorid) share it. */
static int column_new(struct loader *L, struct ltable *t, const char *name, struct column **out)
{
	struct column *c;
	if ((*out = strmap_get(&t->by_name, name)))
		return 0;
	/* the lineage columns count too */
	if (t->ncols + LIN_COUNT >= LOAD_MAX_COLUMNS)
		return row_error(L, "table %s: more than %d columns: BigQuery allows at most %d columns in a table, "
		                 "pipe's %d lineage columns included", t->name, LOAD_MAX_COLUMNS - LIN_COUNT,
		                 LOAD_MAX_COLUMNS, LIN_COUNT);
	c = xcalloc(1, sizeof(*c));
	c->name = xstrdup(name);
	c->pos = -1;
	for (size_t i = 0; i < L->nhints; i++)
		if (str_eq_nocase(L->hints[i].name, name)) {
			c->hint = L->hints[i].type;
			c->number = L->hints[i].number;
		}
	if (t->prev) {
		int k = table_column(t->prev, name);
		if (k >= 0) {
			c->fixed = true;
			c->type = t->prev->spec.cols[k].type;
		}
	}
	grow_array(&t->cols, &t->capcols, t->ncols + 1, sizeof(*t->cols));
	t->cols[t->ncols++] = c;
	strmap_put(&t->by_name, c->name, c);
	*out = c;
	return 0;
}

/* name, or when it is longer than LOAD_MAX_NAME, its start and a hash of
 * the whole (as dlt shortens identifiers): the same name every load. */
static char *short_name(char *name)
{
	size_t len = strlen(name);
	char *s;
	if (len <= LOAD_MAX_NAME)
		return name;
	s = xasprintf("%.*s_%08x", LOAD_MAX_NAME - 9, name, (unsigned)(str_hash64(name, len) & 0xffffffffu));
	free(name);
	return s;
}

static int node_new(struct loader *L, int parent, const char *raw, size_t rawlen, int table, const char *name)
{
	struct node *n;
	grow_array(&L->nodes, &L->capnodes, L->nnodes + 1, sizeof(*L->nodes));
	n = &L->nodes[L->nnodes];
	memset(n, 0, sizeof(*n));
	n->parent = parent;
	n->raw = raw ? arena_strndup(&L->mem, raw, rawlen) : NULL;
	n->rawlen = rawlen;
	n->name = xstrdup(name);
	n->table = table;
	n->child = -1;
	return (int)L->nnodes++;
}

static int table_new(struct loader *L, const char *name, int parent)
{
	struct ltable *t;
	int error;
	grow_array(&L->tables, &L->captables, L->ntables + 1, sizeof(*L->tables));
	t = &L->tables[L->ntables];
	memset(t, 0, sizeof(*t));
	t->name = xstrdup(name);
	t->parent = parent;
	t->root = node_new(L, -1, NULL, 0, (int)L->ntables, "");
	for (int i = 0; i < LIN_COUNT; i++)
		t->lin[i] = -1;
	if (L->prev_dir) {
		char *dir = parent < 0 ? xstrdup(L->prev_dir) : path_join(L->prev_dir, name);
		if (path_is_dir(dir) && (error = table_open(&t->prev, dir)) < 0) {
			free(dir);
			return error;
		}
		free(dir);
	}
	return (int)L->ntables++;
}

static uint64_t slot_hash(int parent, const char *raw, size_t len)
{
	return str_hash64(raw, len) ^ ((uint64_t)(unsigned)parent * 0x9e3779b97f4a7c15ULL);
}

static void slots_rehash(struct loader *L)
{
	size_t n = L->nslots ? L->nslots * 2 : 256;
	free(L->slots);
	L->slots = xmalloc(n * sizeof(int));
	memset(L->slots, 0xff, n * sizeof(int));
	L->nslots = n;
	for (size_t i = 0; i < L->nnodes; i++) {
		struct node *nd = &L->nodes[i];
		size_t h;
		if (!nd->raw)
			continue;
		h = slot_hash(nd->parent, nd->raw, nd->rawlen) & (n - 1);
		while (L->slots[h] >= 0)
			h = (h + 1) & (n - 1);
		L->slots[h] = (int)i;
	}
}

/* The node for key raw under parent, made on first sight. */
static int node_get(struct loader *L, int parent, const char *raw, size_t len)
{
	size_t h;
	struct node *p;
	char *norm, *name;
	int id;
	if (L->nslots) {
		h = slot_hash(parent, raw, len) & (L->nslots - 1);
		while ((id = L->slots[h]) >= 0) {
			struct node *n = &L->nodes[id];
			if (n->parent == parent && n->rawlen == len && !memcmp(n->raw, raw, len))
				return id;
			h = (h + 1) & (L->nslots - 1);
		}
	}
	p = &L->nodes[parent];
	norm = load_column_name(raw, len);
	name = short_name(p->name[0] ? xasprintf("%s__%s", p->name, norm) : xstrdup(norm));
	id = node_new(L, parent, raw, len, p->table, name);
	free(norm);
	free(name);
	if ((L->nnodes + 1) * 2 > L->nslots)
		slots_rehash(L);
	else {
		h = slot_hash(parent, raw, len) & (L->nslots - 1);
		while (L->slots[h] >= 0)
			h = (h + 1) & (L->nslots - 1);
		L->slots[h] = id;
	}
	return id;
}

/* C_INT for a plain whole number (-12, 3.00), C_FLOAT for another plain
 * decimal (1.5), 0 for anything else (left to the full conversion).  At
 * most 15 characters after the sign.  *whole is the whole part (-12 of
 * -12.00), *m the digits without the point (-125 of -12.5) and *frac how
 * many follow the point: m / 10^frac is what fast_double makes of it. */
static unsigned plain_number(const char *p, size_t len, int64_t *whole, int64_t *m, int *frac)
{
	const char *end = p + len;
	unsigned k = C_INT;
	bool neg = p < end && *p == '-';
	int64_t w = 0, d;
	int f = 0;
	p += neg;
	if (p == end || end - p > 15 || *p < '0' || *p > '9')
		return 0;
	for (; p < end && *p >= '0' && *p <= '9'; p++)
		w = w * 10 + (*p - '0');
	d = w;
	if (p < end && *p == '.') {
		if (++p == end)
			return 0;
		for (; p < end; p++, f++) {
			if (*p < '0' || *p > '9')
				return 0;
			if (*p != '0')
				k = C_FLOAT;
			d = d * 10 + (*p - '0');
		}
	}
	if (p != end)
		return 0;
	*whole = neg ? -w : w;
	*m = neg ? -d : d;
	*frac = f;
	return k;
}

/* Hinted types whose values go on the tape converted. */
static bool typed_on_tape(enum type t)
{
	return t == TYPE_INT64 || t == TYPE_FLOAT64 || t == TYPE_TIMESTAMP || t == TYPE_DATETIME || t == TYPE_DATE ||
	       t == TYPE_BOOL;
}

/* The first pass: what a value tells about its column.  A value of a
 * hinted column is converted here, once: *ev says how it goes on the tape
 * (0: as text, for the second pass to convert; TAPE_INT: a NUMBER's whole
 * value in x->i; TAPE_DEC: a NUMBER's decimal x->i / 10^*frac; TAPE_TYPED:
 * x is of the hint's type). */
static int observe(struct loader *L, struct ltable *t, struct column *c, const struct cell *v, struct value *x,
                   char *ev, int *frac)
{
	unsigned k;
	size_t len;
	const char *s;
	int error;
	*ev = 0;
	/* Only text kept as text is checked for UTF-8: a value that parses as
	 * a number, a date or a time is ASCII already. */
	if (c->hint != TYPE_NULL) {
		if (c->number) {
			int64_t whole, m;
			unsigned w = plain_number(v->p, v->len, &whole, &m, frac);
			if (w) {
				c->seen |= w;
				/* The column ends INT64 or FLOAT64 unless the table
				 * already has it (then as text, converted to its type). */
				if (!c->fixed && w == C_INT) {
					x->i = whole;
					/* -0 is an integer 0 but a FLOAT64 -0.0: as text */
					*ev = whole || v->p[0] != '-' ? TAPE_INT : 0;
				} else if (!c->fixed) {
					x->i = m;
					*ev = TAPE_DEC;
				}
				return 0;
			}
			s = cell_text(L, v, &len);
			if (convert(L, v, TYPE_FLOAT64, x) < 0)
				goto bad;
			c->seen |= (x->f == floor(x->f) && fabs(x->f) < 9.2e18 && !memchr(s, 'e', len) && !memchr(s, 'E', len))
			                   ? C_INT
			                   : C_FLOAT;
			return 0;
		}
		if (convert(L, v, c->hint, x) < 0)
			goto bad;
		if (v->type == JSON_STRING && (c->hint == TYPE_STRING || c->hint == TYPE_JSON) &&
		    (error = check_utf8(L, c, v)) < 0)
			return error;
		c->seen |= C_STRING;
		if (!c->fixed && typed_on_tape(c->hint))
			*ev = TAPE_TYPED;
		return 0;
	}
	k = cell_class(v);
	if (k == C_STRING && v->type == JSON_STRING && (error = check_utf8(L, c, v)) < 0)
		return error;
	if (k == C_FLOAT && v->type != JSON_STRING && out_of_range(v->p, v->len))
		return range_error(L, c, v->p, v->len, "FLOAT64");
	if (v->type == JSON_INT && k == C_FLOAT && !c->beyond_int64++)
		c->beyond_example = xstrndup(v->p, v->len > 40 ? 40 : v->len);
	if (c->fixed && !fits(k, c->type)) {
		int vi = variant_of(k);
		if (L->o->freeze) {
			s = cell_text(L, v, &len);
			return row_error(L, "column %s is %s in the table, and \"%.*s\" is not: schema = freeze forbids a "
			                 "variant column (schema = evolve adds %s__v_%s)",
			                 c->name, type_name(c->type), len > 80 ? 80 : (int)len, s, c->name,
			                 variant_suffix[vi]);
		}
		if (!c->variant[vi]) {
			char *name = short_name(xasprintf("%s__v_%s", c->name, variant_suffix[vi]));
			int error = column_new(L, t, name, &c->variant[vi]);
			free(name);
			if (error < 0)
				return error;
			if (!c->variant[vi]->fixed) {
				c->variant[vi]->fixed = true;
				c->variant[vi]->type = variant_type[vi];
			}
		}
		c->variant[vi]->seen |= k;
		c->variant[vi]->nkind[__builtin_ctz(k)]++;
		return 0;
	}
	c->seen |= k;
	c->nkind[__builtin_ctz(k)]++;
	return 0;
bad:
	s = cell_text(L, v, &len);
	if (out_of_range(s, len))
		return range_error(L, c, s, len, c->number ? "a number" : type_name(c->hint));
	return row_error(L, "column %s: cannot convert \"%.*s\" to %s", c->name, len > 80 ? 80 : (int)len, s,
	                 c->number ? "a number" : type_name(c->hint));
}

/* Pads every column of t up to the current row. */
static void pad_to(struct column *c, struct ltable *t)
{
	struct vec *v = &t->batch.cols[c->pos];
	while (v->count < t->batch.nrows)
		vec_push_null(v);
}

/* The second pass: a value into its column's vector. */
static int store(struct loader *L, struct ltable *t, struct column *c, const struct cell *v)
{
	struct value x;
	struct vec *vec;
	if (c->fixed && c->hint == TYPE_NULL) {
		unsigned k = cell_class(v);
		if (!fits(k, c->type))
			c = c->variant[variant_of(k)];
	}
	if (!c || c->pos < 0)
		return 0;
	vec = &t->batch.cols[c->pos];
	pad_to(c, t);
	if (vec->count > t->batch.nrows)
		return 0; /* the same column twice in a record: the first wins */
	if (convert(L, v, c->type, &x) < 0) {
		size_t len;
		const char *s = cell_text(L, v, &len);
		return row_error(L, "column %s: cannot convert \"%.*s\" to %s", c->name, len > 80 ? 80 : (int)len, s,
		                 type_name(c->type));
	}
	vec_push(vec, &x);
	return 0;
}

/* The second pass: a value the first converted (see observe). */
static void store_typed(struct ltable *t, struct column *c, char ev, int64_t i, double f)
{
	struct value x = {.type = c->type};
	struct vec *vec;
	if (c->pos < 0)
		return;
	vec = &t->batch.cols[c->pos];
	pad_to(c, t);
	if (vec->count > t->batch.nrows)
		return; /* the same column twice in a record: the first wins */
	switch (c->type) {
	case TYPE_FLOAT64: x.f = ev == TAPE_TYPED ? f : (double)i; break;
	case TYPE_DATE: x.days = (int32_t)i; break;
	case TYPE_BOOL: x.b = (uint8_t)i; break;
	case TYPE_INT64: case TYPE_TIMESTAMP: case TYPE_DATETIME: x.i = i; break;
	default: return;
	}
	vec_push(vec, &x);
}

/* The tape. */

/* Room for n more bytes; the caller fills them. */
static char *tape_room(struct loader *L, size_t n)
{
	struct buf *b = &L->tape_out;
	char *p;
	if (b->cap - b->len < n + 1)
		buf_grow(b, n + 1);
	p = b->data + b->len;
	b->len += n;
	return p;
}

static char *put_varint(char *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (char)(v | 0x80);
		v >>= 7;
	}
	*p++ = (char)v;
	return p;
}

/* Signed numbers as varints: small magnitudes in few bytes. */
static uint64_t zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static int64_t unzigzag(uint64_t u)
{
	return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

/* An event of up to five numbers. */
static void tape_event(struct loader *L, char ev, int n, const uint64_t *v)
{
	char *p = tape_room(L, 1 + 10 * (size_t)n), *q = p;
	*q++ = ev;
	for (int i = 0; i < n; i++)
		q = put_varint(q, v[i]);
	L->tape_out.len -= (size_t)(p + 1 + 10 * n - q);
}

static int tape_flush(struct loader *L)
{
	if (L->tape_out.len && fwrite(L->tape_out.data, 1, L->tape_out.len, L->tape) != L->tape_out.len)
		return error_set("%s: %s", L->tape_path, strerror(errno));
	buf_clear(&L->tape_out);
	return 0;
}

/* The next n bytes of the tape, or NULL at its end. */
static const char *tape_refill(struct loader *L, size_t n);

static inline const char *tape_get(struct loader *L, size_t n)
{
	const char *p;
	if (L->tape_len - L->tape_pos < n)
		return tape_refill(L, n);
	p = L->tape_in + L->tape_pos;
	L->tape_pos += n;
	return p;
}

static uint64_t tape_varint_slow(struct loader *L);

static inline uint64_t tape_varint(struct loader *L)
{
	uint64_t v = 0;
	const unsigned char *p, *q;
	if (L->tape_len - L->tape_pos < 10)
		return tape_varint_slow(L);
	/* the common case: the whole number is in the buffer */
	p = q = (const unsigned char *)L->tape_in + L->tape_pos;
	for (int shift = 0; shift < 70; shift += 7) {
		v |= (uint64_t)(*q & 0x7f) << shift;
		if (!(*q++ & 0x80))
			break;
	}
	L->tape_pos += (size_t)(q - p);
	return v;
}

/* Near the end of the buffer: a byte at a time, refilling. */
static uint64_t tape_varint_slow(struct loader *L)
{
	uint64_t v = 0;
	for (int shift = 0;; shift += 7) {
		const char *p = tape_get(L, 1);
		if (!p)
			return 0;
		v |= (uint64_t)(*p & 0x7f) << shift;
		if (!(*p & 0x80))
			return v;
	}
}

static const char *tape_refill(struct loader *L, size_t n)
{
	size_t have = L->tape_len - L->tape_pos;
	const char *p;
	if (have)
		memmove(L->tape_in, L->tape_in + L->tape_pos, have);
	L->tape_len = have;
	L->tape_pos = 0;
	if (L->tape_cap < n || L->tape_cap < (1u << 20)) {
		L->tape_cap = n > (1u << 20) ? n : (1u << 20);
		L->tape_in = xrealloc(L->tape_in, L->tape_cap);
	}
	L->tape_len += fread(L->tape_in + have, 1, L->tape_cap - have, L->tape);
	if (L->tape_len < n)
		return NULL;
	p = L->tape_in;
	L->tape_pos += n;
	return p;
}

static int scalar(struct loader *L, int node, const struct cell *v)
{
	struct node *n = &L->nodes[node];
	struct ltable *t = &L->tables[n->table];
	if (!n->col && v->type != JSON_NULL) {
		if (L->pass == 2)
			return 0;
		if (L->o->freeze && t->prev && table_column(t->prev, n->name) < 0)
			return row_error(L, "new column %s: schema = freeze allows no new columns (schema = evolve adds it)",
			                 n->name);
		int error = column_new(L, t, n->name, &n->col);
		if (error < 0)
			return error;
	}
	if (L->pass == 1 && n->col) {
		/* Two keys of one record that normalise to the same name. */
		if (n->col->last_row == t->next_id)
			return row_error(L, "two keys become column %s (names are compared after normalising, "
			                 "see docs/staging.md)", n->col->name);
		n->col->last_row = t->next_id;
	}
	if (v->type == JSON_NULL)
		return 0;
	if (L->pass == 2)
		return store(L, t, n->col, v);
	{
		struct value x;
		char ev, *p, *q;
		int error, frac = 0;
		if ((error = observe(L, t, n->col, v, &x, &ev, &frac)) < 0)
			return error;
		if (ev) {
			p = q = tape_room(L, 22);
			*q++ = ev;
			q = put_varint(q, (uint64_t)node);
			if (ev == TAPE_TYPED && n->col->hint == TYPE_FLOAT64) {
				memcpy(q, &x.f, 8);
				q += 8;
			} else {
				int64_t v64 = ev == TAPE_TYPED && n->col->hint == TYPE_DATE   ? x.days
				              : ev == TAPE_TYPED && n->col->hint == TYPE_BOOL ? x.b
				                                                              : x.i;
				q = put_varint(q, zigzag(v64));
				if (ev == TAPE_DEC)
					*q++ = (char)frac;
			}
			L->tape_out.len -= (size_t)(22 - (q - p));
			return 0;
		}
		p = q = tape_room(L, 21 + v->len);
		*q++ = (char)(0x80 | v->escaped << 4 | v->type);
		q = put_varint(q, (uint64_t)node);
		q = put_varint(q, v->len);
		memcpy(q, v->p, v->len);
		L->tape_out.len -= (size_t)(21 - (q - p));
		return 0;
	}
}

/* Rows. */

/* The second pass runs in a thread of its own and hands each full batch
 * to the thread that called load_run, which appends it to its table's
 * writer (encoding, spilling) while the pass converts the next one.  The
 * writers' memory stays with the thread that made them.  One batch is in
 * flight at a time: its table's spare, swapped with the batch being
 * filled. */
struct sink {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct ltable *busy; /* whose spare is to be appended, or NULL */
	bool done;           /* the pass has ended */
	int error;           /* the first append that failed, with its message */
	char *msg;
};

/* Waits until no batch is in flight: 0, or the failure of an append. */
static int sink_wait(struct sink *k)
{
	int error;
	pthread_mutex_lock(&k->mu);
	while (k->busy)
		pthread_cond_wait(&k->cv, &k->mu);
	error = k->error;
	pthread_mutex_unlock(&k->mu);
	return error < 0 ? error_setcode(error, "%s", k->msg) : 0;
}

/* existing: the rows were in the table before this load (BigQuery counts
 * the partitions a job modifies without them). */
static int flush_rows(struct ltable *t, bool existing)
{
	int error = 0;
	struct batch full;
	if (!t->batch.nrows)
		return 0;
	if (t->sink && !existing) {
		struct sink *k = t->sink;
		if ((error = sink_wait(k)) < 0)
			return error;
		full = t->spare;
		t->spare = t->batch;
		t->batch = full;
		pthread_mutex_lock(&k->mu);
		k->busy = t;
		pthread_cond_broadcast(&k->cv);
		pthread_mutex_unlock(&k->mu);
		return 0;
	}
	if ((error = existing ? table_writer_append_existing(t->w, &t->batch) : table_writer_append(t->w, &t->batch)) < 0)
		error_prefix("table %s: ", t->name);
	batch_reset(&t->batch);
	return error;
}

static int flush(struct ltable *t)
{
	return flush_rows(t, false);
}

static void lineage_push(struct ltable *t, int which, int64_t v)
{
	struct value x = value_int64(v);
	if (t->lin[which] >= 0)
		vec_push(&t->batch.cols[t->lin[which]], &x);
}

/* A row's number on the tape: its position in this load's rows of t. */
static int64_t row_begin(struct ltable *t)
{
	return t->next_id++;
}

static int row_end(struct loader *L, struct ltable *t, int64_t id, int64_t parent_id, int64_t root_id,
                   int64_t idx)
{
	if (L->pass == 1) {
		uint64_t v[5] = {(uint64_t)(t - L->tables), (uint64_t)id, (uint64_t)(parent_id + 1),
		                 (uint64_t)(root_id + 1), (uint64_t)(idx + 1)};
		tape_event(L, 'E', 5, v);
		return L->tape_out.len >= (1u << 20) ? tape_flush(L) : 0;
	}
	if (t->lin[LIN_LOAD_ID] >= 0)
		vec_push_str_ref(&t->batch.cols[t->lin[LIN_LOAD_ID]], L->o->load_id, strlen(L->o->load_id));
	lineage_push(t, LIN_ROW_ID, id);
	lineage_push(t, LIN_PARENT_ID, parent_id);
	lineage_push(t, LIN_ROOT_ID, root_id);
	lineage_push(t, LIN_LIST_IDX, idx);
	/* Columns the record did not set are NULL. */
	for (size_t i = 0; i < t->batch.ncols; i++)
		while (t->batch.cols[i].count <= t->batch.nrows)
			vec_push_null(&t->batch.cols[i]);
	t->batch.nrows++;
	t->rows++;
	return t->batch.nrows >= BATCH_ROWS ? flush(t) : 0;
}

static int walk_object(struct loader *L, const struct json_doc *d, int tok, int parent_node, int64_t row_id,
                       int64_t root_id, int depth, int *next);

/* memcmp(a, b, n) == 0 for the short keys of every record, eight bytes at
 * a time and without a call. */
static inline bool same_key(const char *a, const char *b, size_t n)
{
	uint64_t x, y;
	if (n < 8)
		return !memcmp(a, b, n);
	for (size_t i = 0; i + 8 < n; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y)
			return false;
	}
	memcpy(&x, a + n - 8, 8);
	memcpy(&y, b + n - 8, 8);
	return x == y;
}

static struct cell tok_cell(const struct json_doc *d, int i)
{
	const struct json_tok *t = &d->toks[i];
	return (struct cell){(uint8_t)t->type, t->type == JSON_STRING, d->text + t->start, (size_t)(t->end - t->start)};
}

/* A value's JSON text as one string: a list in a list, or an object or a
 * list nested deeper than LOAD_MAX_NESTING. */
static struct cell json_text_cell(const struct json_doc *d, int i)
{
	return (struct cell){JSON_STRING, false, d->text + d->toks[i].start, (size_t)(d->toks[i].end - d->toks[i].start)};
}

/* The elements of the array at tok as rows of node's child table; depth
 * is the array's level below the record, its objects' too. */
static int walk_array(struct loader *L, const struct json_doc *d, int tok, int node, int64_t parent_id,
                      int64_t root_id, int depth, int *next)
{
	struct ltable *t;
	int child = L->nodes[node].child, n = d->toks[tok].size, i = tok + 1, error;
	if (n == 0) {
		*next = i;
		return 0;
	}
	if (child < 0) {
		struct node *nd = &L->nodes[node];
		char *name = xasprintf("%s__%s", L->tables[nd->table].name, nd->name);
		if (L->pass == 2) {
			free(name);
			return error_set("internal error: a child table appeared in the second pass");
		}
		error = table_new(L, name, nd->table);
		free(name);
		if (error < 0)
			return error;
		child = error;
		L->nodes[node].child = child;
	}
	for (int k = 0; k < n; k++) {
		int64_t id;
		t = &L->tables[child];
		id = row_begin(t);
		if (root_id < 0)
			root_id = parent_id;
		if (d->toks[i].type == JSON_OBJECT) {
			if ((error = walk_object(L, d, i, L->tables[child].root, id, root_id, depth, &i)) < 0)
				return error;
		} else {
			int vn = node_get(L, L->tables[child].root, "value", 5);
			struct cell c = tok_cell(d, i);
			if (d->toks[i].type == JSON_ARRAY) /* a list in a list: kept as its JSON text */
				c = json_text_cell(d, i);
			if ((error = scalar(L, vn, &c)) < 0)
				return error;
			i = json_skip(d, i);
		}
		if ((error = row_end(L, &L->tables[child], id, parent_id, root_id, k)) < 0)
			return error;
	}
	*next = i;
	return 0;
}

/* depth: the object's level below the record (0). */
static int walk_object(struct loader *L, const struct json_doc *d, int tok, int parent_node, int64_t row_id,
                       int64_t root_id, int depth, int *next)
{
	int n = d->toks[tok].size, i = tok + 1, error;
	for (int k = 0; k < n; k++) {
		const struct json_tok *key = &d->toks[i];
		const char *raw = d->text + key->start;
		size_t len = (size_t)(key->end - key->start);
		struct node *p = &L->nodes[parent_node];
		int node = (size_t)k < p->norder ? p->order[k] : -1, v = i + 1;
		if (node < 0 || L->nodes[node].rawlen != len || !same_key(L->nodes[node].raw, raw, len)) {
			node = node_get(L, parent_node, raw, len);
			p = &L->nodes[parent_node];
			grow_array(&p->order, &p->caporder, (size_t)k + 1, sizeof(int));
			while (p->norder <= (size_t)k)
				p->order[p->norder++] = -1;
			p->order[k] = node;
		}
		if ((d->toks[v].type == JSON_OBJECT || d->toks[v].type == JSON_ARRAY) && depth >= LOAD_MAX_NESTING) {
			struct cell c = json_text_cell(d, v);
			if ((error = scalar(L, node, &c)) < 0)
				return error;
			i = json_skip(d, v);
			continue;
		}
		switch (d->toks[v].type) {
		case JSON_OBJECT:
			if ((error = walk_object(L, d, v, node, row_id, root_id, depth + 1, &i)) < 0)
				return error;
			break;
		case JSON_ARRAY:
			if ((error = walk_array(L, d, v, node, row_id, root_id, depth + 1, &i)) < 0)
				return error;
			break;
		default: {
			struct cell c = tok_cell(d, v);
			if ((error = scalar(L, node, &c)) < 0)
				return error;
			i = v + 1;
		}
		}
	}
	*next = i;
	return 0;
}

static void tape_record(struct loader *L)
{
	uint64_t v[2] = {L->src_index, (uint64_t)L->rowno};
	tape_event(L, 'R', 2, v);
}

static int load_record(struct loader *L, const struct json_doc *d)
{
	int64_t id;
	int next, error;
	tape_record(L);
	id = row_begin(&L->tables[0]);
	if ((error = walk_object(L, d, 0, L->tables[0].root, id, -1, 0, &next)) < 0)
		return error;
	return row_end(L, &L->tables[0], id, -1, -1, -1);
}

/* A CSV field's text is typed as a JSON value would be by its look: 12
 * INT64, 1.5 FLOAT64, true BOOL, ISO dates; an empty field is NULL. */
static struct cell csv_cell(const char *p, size_t len)
{
	bool f;
	struct cell c = {JSON_STRING, false, p, len};
	if (len == 0)
		c.type = JSON_NULL;
	else if ((len == 4 && !strncasecmp(p, "true", 4)))
		c.type = JSON_TRUE;
	else if (len == 5 && !strncasecmp(p, "false", 5))
		c.type = JSON_FALSE;
	else if ((*p == '-' || (*p >= '0' && *p <= '9'))) {
		/* The JSON number grammar, so that 007 or 1. stay strings. */
		const char *q = p, *end = p + len;
		f = false;
		if (*q == '-')
			q++;
		if (q < end && *q == '0')
			q++;
		else
			while (q < end && *q >= '0' && *q <= '9')
				q++;
		if (q < end && *q == '.') {
			const char *d = ++q;
			f = true;
			while (q < end && *q >= '0' && *q <= '9')
				q++;
			if (q == d)
				return c;
		}
		if (q < end && (*q == 'e' || *q == 'E')) {
			const char *d;
			f = true;
			q++;
			if (q < end && (*q == '+' || *q == '-'))
				q++;
			d = q;
			while (q < end && *q >= '0' && *q <= '9')
				q++;
			if (q == d)
				return c;
		}
		if (q == end && q > p + (*p == '-'))
			c.type = f ? JSON_FLOAT : JSON_INT;
	}
	return c;
}

static int load_csv(struct loader *L, const char *path)
{
	struct csv c;
	int *nodes = NULL, error;
	size_t nheader = 0;
	if ((error = csv_open(&c, path)) < 0)
		return error;
	if ((error = csv_next(&c)) <= 0) {
		if (error == 0)
			error = error_setcode(PIPE_EUSAGE, "%s: the file is empty: expected a header line", path);
		goto done;
	}
	nheader = c.n;
	if (c.len[0] >= 3 && !memcmp(c.fields.data, "\xef\xbb\xbf", 3)) {
		c.off[0] += 3; /* a UTF-8 byte order mark, as spreadsheets write */
		c.len[0] -= 3;
	}
	nodes = xcalloc(nheader, sizeof(int));
	for (size_t i = 0; i < nheader; i++)
		nodes[i] = node_get(L, L->tables[0].root, c.fields.data + c.off[i], c.len[i]);
	while ((error = csv_next(&c)) > 0) {
		struct ltable *t = &L->tables[0];
		int64_t id;
		L->line = c.lineno;
		L->col = 1;
		L->rowno++;
		if (c.n == 1 && c.len[0] == 0)
			continue; /* a blank line */
		if (c.n != nheader) {
			error = error_setcode(PIPE_EUSAGE, "%s:%lld: %zu fields, but the header names %zu", path,
			                      (long long)c.lineno, c.n, nheader);
			goto done;
		}
		tape_record(L);
		id = row_begin(t);
		for (size_t i = 0; i < c.n; i++) {
			struct cell v = csv_cell(c.fields.data + c.off[i], c.len[i]);
			if ((error = scalar(L, nodes[i], &v)) < 0)
				goto done;
		}
		if ((error = row_end(L, t, id, -1, -1, -1)) < 0)
			goto done;
		L->loaded++;
	}
done:
	csv_close(&c);
	free(nodes);
	return error;
}

static enum load_format format_of(const struct load_options *o, const char *path)
{
	if (o->format != LOAD_AUTO)
		return o->format;
	if (str_ends(path, ".csv"))
		return LOAD_CSV;
	if (str_ends(path, ".ndjson") || str_ends(path, ".jsonl"))
		return LOAD_NDJSON;
	return LOAD_AUTO;
}

/* One pass over every source. */
static int run_pass(struct loader *L)
{
	struct json_doc doc = {0};
	int error = 0;
	L->loaded = 0;
	for (size_t i = 0; i < L->o->npaths && error >= 0; i++) {
		const char *path = L->o->paths[i];
		enum load_format f = format_of(L->o, path);
		struct json_reader *r = NULL;
		L->src = path;
		L->src_index = i;
		L->rowno = 0;
		L->reader = NULL;
		L->line = 0;
		if (f == LOAD_CSV) {
			error = load_csv(L, path);
			continue;
		}
		if ((error = json_reader_open(&r, path, f == LOAD_NDJSON ? JSON_FORMAT_NDJSON : f == LOAD_JSON ? JSON_FORMAT_ARRAY : JSON_FORMAT_AUTO,
		                              L->o->records)) < 0)
			break;
		L->reader = r;
		while ((error = json_reader_next(r, &doc)) > 0) {
			L->rowno = json_reader_index(r) + 1;
			if ((error = load_record(L, &doc)) < 0)
				break;
			L->loaded++;
		}
		json_reader_free(r);
		L->reader = NULL;
	}
	json_doc_free(&doc);
	if (error >= 0)
		error = tape_flush(L);
	return error;
}

static int64_t row_id(const struct ltable *t, int64_t n)
{
	uint64_t x = t->seed ^ (uint64_t)(t->base + n) * 0x9e3779b97f4a7c15ULL;
	/* splitmix64's finaliser; the top bit off keeps ids positive */
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return (int64_t)((x ^ (x >> 31)) >> 1);
}

/* The second pass: the tape again, converted and written. */
static int replay(struct loader *L)
{
	const char *p;
	int error = 0;
	rewind(L->tape);
	L->line = 0;
	while (error >= 0 && (p = tape_get(L, 1))) {
		unsigned char ev = (unsigned char)*p;
		if (ev & 0x80) {
			struct cell c;
			struct node *n = &L->nodes[tape_varint(L)];
			c.type = ev & 15;
			c.escaped = ev >> 4 & 1;
			c.len = (size_t)tape_varint(L);
			c.p = tape_get(L, c.len);
			error = store(L, &L->tables[n->table], n->col, &c);
		} else if (ev == TAPE_INT || ev == TAPE_DEC || ev == TAPE_TYPED) {
			static const double pow10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
			                               1e13, 1e14, 1e15};
			struct node *n = &L->nodes[tape_varint(L)];
			int64_t i = 0;
			double f = 0;
			if (ev == TAPE_TYPED && n->col->type == TYPE_FLOAT64) {
				const char *b = tape_get(L, 8);
				if (!b) {
					error = error_set("%s: a damaged tape", L->tape_path);
					break;
				}
				memcpy(&f, b, 8);
			} else
				i = unzigzag(tape_varint(L));
			if (ev == TAPE_DEC) {
				const char *b = tape_get(L, 1);
				if (!b || *b < 0 || *b > 15) {
					error = error_set("%s: a damaged tape", L->tape_path);
					break;
				}
				/* as fast_double divides, so the same double */
				f = (double)(i < 0 ? -i : i) / pow10[(int)*b];
				if (i < 0)
					f = -f;
				store_typed(&L->tables[n->table], n->col, TAPE_TYPED, 0, f);
			} else
				store_typed(&L->tables[n->table], n->col, (char)ev, i, f);
		} else if (ev == 'R') {
			L->src = L->o->paths[tape_varint(L)];
			L->rowno = (int64_t)tape_varint(L);
		} else if (ev == 'E') {
			uint64_t ti = tape_varint(L);
			struct ltable *t = &L->tables[ti];
			int64_t id = (int64_t)tape_varint(L), parent = (int64_t)tape_varint(L) - 1,
			        root = (int64_t)tape_varint(L) - 1, idx = (int64_t)tape_varint(L) - 1;
			error = row_end(L, t, row_id(t, id), parent < 0 ? -1 : row_id(&L->tables[t->parent < 0 ? 0 : t->parent], parent),
			                root < 0 ? -1 : row_id(&L->tables[0], root), idx);
		} else
			error = error_set("%s: a damaged tape", L->tape_path);
	}
	return error;
}

struct replay_job {
	struct loader *L;
	struct sink *k;
	int error;
	char *msg;
};

static void *replay_main(void *arg)
{
	struct replay_job *j = arg;
	if ((j->error = replay(j->L)) < 0)
		j->msg = xstrdup(error_last());
	pthread_mutex_lock(&j->k->mu);
	j->k->done = true;
	pthread_cond_broadcast(&j->k->cv);
	pthread_mutex_unlock(&j->k->mu);
	return NULL;
}

/* The second pass in a thread while this one appends its batches (see
 * struct sink).  Without a thread, the pass appends by itself. */
static int replay_beside(struct loader *L)
{
	struct sink k = {0};
	struct replay_job j = {L, &k, 0, NULL};
	pthread_t thread;
	int error = 0;
	pthread_mutex_init(&k.mu, NULL);
	pthread_cond_init(&k.cv, NULL);
	for (size_t i = 0; i < L->ntables; i++)
		L->tables[i].sink = &k;
	if (pthread_create(&thread, NULL, replay_main, &j) != 0) {
		for (size_t i = 0; i < L->ntables; i++)
			L->tables[i].sink = NULL;
		error = replay(L);
		goto done;
	}
	pthread_mutex_lock(&k.mu);
	for (;;) {
		struct ltable *t;
		while (!k.busy && !k.done)
			pthread_cond_wait(&k.cv, &k.mu);
		if (!k.busy)
			break;
		t = k.busy;
		pthread_mutex_unlock(&k.mu);
		error = k.error < 0 ? 0 : table_writer_append(t->w, &t->spare);
		batch_reset(&t->spare);
		pthread_mutex_lock(&k.mu);
		if (error < 0 && !k.error) {
			k.error = error;
			k.msg = xasprintf("table %s: %s", t->name, error_last());
		}
		k.busy = NULL;
		pthread_cond_broadcast(&k.cv);
	}
	pthread_mutex_unlock(&k.mu);
	pthread_join(thread, NULL);
	for (size_t i = 0; i < L->ntables; i++)
		L->tables[i].sink = NULL;
	/* The pass stops at the first failed append, so its error comes
	 * first; an append of its last batch may still have failed. */
	if (j.error < 0)
		error = error_setcode(j.error, "%s", j.msg);
	else if (k.error < 0)
		error = error_setcode(k.error, "%s", k.msg);
	else
		error = 0;
done:
	free(j.msg);
	free(k.msg);
	pthread_mutex_destroy(&k.mu);
	pthread_cond_destroy(&k.cv);
	return error;
}

/* Options. */

static int parse_hints(struct loader *L, const char *text, bool user)
{
	char *copy, *save = NULL, *w;
	int error = 0;
	if (!text)
		return 0;
	copy = xstrdup(text);
	for (w = strtok_r(copy, " \t\n,", &save); w; w = strtok_r(NULL, " \t\n,", &save)) {
		char *colon = strchr(w, ':');
		struct hint h = {0};
		if (!colon || colon == w || !colon[1]) {
			error = error_setcode(PIPE_EUSAGE, "%s%stypes: \"%s\" is not column:TYPE (e.g. fare_amount:FLOAT64)",
			                      L->o->where ? L->o->where : "", L->o->where ? ": " : "", w);
			break;
		}
		*colon = 0;
		if (!strcasecmp(colon + 1, "NUMBER")) {
			h.type = TYPE_FLOAT64;
			h.number = true;
		} else if (type_parse(colon + 1, &h.type) < 0) {
			if (!user)
				continue;
			error = error_setcode(PIPE_EUSAGE, "%s%stypes: unknown type %s for %s (BOOL, INT64, FLOAT64, NUMERIC, "
			                      "STRING, DATE, DATETIME, TIMESTAMP, JSON or NUMBER)",
			                      L->o->where ? L->o->where : "", L->o->where ? ": " : "", colon + 1, w);
			break;
		}
		h.name = load_column_name(w, strlen(w));
		h.user = user;
		L->hints = xrealloc(L->hints, (L->nhints + 1) * sizeof(*L->hints));
		L->hints[L->nhints++] = h;
	}
	free(copy);
	return error;
}

/* The final types, the specs and the writers. */
static int open_writers(struct loader *L, const char *root_dir)
{
	int error;
	for (size_t ti = 0; ti < L->ntables; ti++) {
		struct ltable *t = &L->tables[ti];
		struct table_spec *s = &t->spec;
		enum type *types;
		size_t n = 0;
		s->name = xstrdup(t->name);
		s->dataset = L->o->dataset ? xstrdup(L->o->dataset) : NULL;
		s->cols = xcalloc(t->ncols + LIN_COUNT, sizeof(*s->cols));
		for (size_t i = 0; i < t->ncols; i++) {
			struct column *c = t->cols[i];
			unsigned k = c->seen;
			if (c->fixed) {
				if (c->hint != TYPE_NULL && !c->number && c->hint != c->type)
					return error_setcode(PIPE_EUSAGE, "types: %s is %s in the table, the hint says %s: run "
					                     "with --full-refresh to rebuild the table with the new type",
					                     c->name, type_name(c->type), type_name(c->hint));
				if (c->number && c->type == TYPE_INT64 && (k & C_FLOAT))
					return error_setcode(PIPE_EUSAGE, "%s is INT64 in the table, and this load has decimals in it: "
					                     "run with --full-refresh to rebuild the table as FLOAT64", c->name);
			} else if (c->hint != TYPE_NULL && !c->number)
				c->type = c->hint;
			else if (!k)
				continue; /* only NULLs: no column, as dlt */
			else if (!(k & ~C_INT))
				c->type = TYPE_INT64;
			else if (!(k & ~(C_INT | C_FLOAT)))
				c->type = TYPE_FLOAT64;
			else if (k == C_BOOL)
				c->type = TYPE_BOOL;
			else if (k == C_DATE)
				c->type = TYPE_DATE;
			else if (!(k & ~(C_DATE | C_TIMESTAMP)))
				c->type = TYPE_TIMESTAMP;
			else
				c->type = TYPE_STRING;
			c->pos = (int)n;
			s->cols[n].name = xstrdup(c->name);
			s->cols[n++].type = c->type;
		}
		/* Columns of the old table that this load did not see stay. */
		if (t->prev)
			for (size_t i = 0; i < t->prev->spec.ncols; i++) {
				const struct column_def *d = &t->prev->spec.cols[i];
				bool have = str_starts(d->name, "_pipe_");
				for (size_t j = 0; j < n && !have; j++)
					have = str_eq_nocase(s->cols[j].name, d->name);
				if (!have) {
					s->cols[n].name = xstrdup(d->name);
					s->cols[n++].type = d->type;
				}
			}
		for (int i = 0; i < LIN_COUNT; i++) {
			if (ti == 0 ? (i != LIN_LOAD_ID && i != LIN_ROW_ID) : i == LIN_LOAD_ID)
				continue;
			t->lin[i] = (int)n;
			s->cols[n].name = xstrdup(lineage_name[i]);
			s->cols[n++].type = i == LIN_LOAD_ID ? TYPE_STRING : TYPE_INT64;
		}
		s->ncols = n;
		if (ti == 0 && L->o->partition_by) {
			char col[256], unit[32] = "DAY";
			const char *p = L->o->partition_by;
			if (sscanf(p, " DATE ( %255[A-Za-z0-9_] )", col) == 1 || sscanf(p, " date ( %255[A-Za-z0-9_] )", col) == 1 ||
			    sscanf(p, " %255[A-Za-z0-9_] %31s", col, unit) >= 1) {
				s->partition.kind = PARTITION_TIME;
				s->partition.column = xstrdup(col);
				if (date_part_parse(unit, &s->partition.unit) < 0)
					return error_setcode(PIPE_EUSAGE, "partition_by: %s is not DAY, HOUR, MONTH or YEAR", unit);
			} else
				return error_setcode(PIPE_EUSAGE, "partition_by: expected a column, DATE(column) or "
				                     "column MONTH, not %s", p);
		}
		if (ti == 0 && L->o->cluster_by) {
			char *copy = xstrdup(L->o->cluster_by), *save = NULL, *w;
			for (w = strtok_r(copy, " ,\t", &save); w; w = strtok_r(NULL, " ,\t", &save)) {
				if (s->ncluster == TABLE_MAX_CLUSTER) {
					free(copy);
					return error_setcode(PIPE_EUSAGE, "cluster_by: at most %d columns", TABLE_MAX_CLUSTER);
				}
				s->cluster[s->ncluster++] = xstrdup(w);
			}
			free(copy);
		}
		if ((error = table_spec_check(s)) < 0) {
			error_prefix("table %s: ", t->name);
			return error;
		}
		types = xmalloc((n ? n : 1) * sizeof(*types));
		for (size_t i = 0; i < n; i++)
			types[i] = s->cols[i].type;
		batch_init(&t->batch, n, types);
		batch_init(&t->spare, n, types);
		free(types);
		t->dir = t->parent < 0 ? xstrdup(root_dir) : path_join(root_dir, t->name);
		if ((error = mkdir_p(t->dir)) < 0 || (error = table_writer_open(&t->w, t->dir, s)) < 0) {
			error_prefix("table %s: ", t->name);
			return error;
		}
		table_writer_set_memory(t->w, LOAD_WRITER_MEMORY);
	}
	return 0;
}

static int finish_writers(struct loader *L)
{
	int error = 0;
	for (size_t i = 0; i < L->ntables; i++) {
		struct ltable *t = &L->tables[i];
		if (!t->w)
			continue;
		if (error >= 0)
			error = flush(t);
		if (error >= 0) {
			error = table_writer_finish(t->w);
			if (error < 0)
				error_prefix("table %s: ", t->name);
		} else
			table_writer_abort(t->w);
		t->w = NULL;
	}
	return error;
}

/* Assembling append and merge outputs.
 *
 * A merge keeps one row per primary key, of the old table's rows and this
 * load's: the newest, that is the last in load order, or the one with the
 * largest dedup_sort value (the smallest with "desc"), later rows winning
 * ties.  Deciding it holds nothing per key in memory.  Every row of the old
 * table, then of this load, gets a number in the order copy_rows reads them;
 * a temporary table of (hash of the key, number, sort value, key values),
 * clustered by the hash, has the table writer sort them within its memory
 * budget; read back, the rows of one key are neighbours (in number order:
 * the writer's sort is stable), and each key's winner sets its row's bit
 * in a bitmap, one bit per row.  copy_rows then keeps the root rows whose
 * bit is set, and the child rows whose root row was kept: for those, the
 * kept root ids are held sorted (8 bytes a kept root row, only when the
 * load has child tables). */

struct idset {
	int64_t *ids;
	size_t n, cap;
};

/* Which rows of a source table copy_rows keeps (NULL: every row). */
struct keep {
	const uint8_t *bits;   /* the root table: a bit per row number */
	uint64_t first;        /* the number of the source's first row */
	struct idset *collect; /* the root table: gets the ids kept (or NULL) */
	const struct idset *roots; /* a child table: the root ids kept */
};

static int compare_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* The primary key and dedup_sort of a merge, and the temporary table that
 * sorts the rows by key. */
struct dedup {
	char **keys;
	size_t nkeys;
	char *sort; /* or NULL */
	int sort_dir; /* 1: the largest sort value wins, -1: the smallest */
	char *dir;
	struct table_spec spec; /* h, n, [sort], k0, k1, ... */
	struct table_writer *w;
	struct batch b;
	uint64_t rows; /* numbered so far */
};

static int no_column(struct loader *L, const char *option, const char *name, const char *table)
{
	return error_setcode(PIPE_EUSAGE, "%s%s%s: no column %s in table %s", L->o->where ? L->o->where : "",
	                     L->o->where ? ": " : "", option, name, table);
}

static int dedup_open(struct loader *L, struct dedup *d)
{
	int error;
	const struct table_spec *out = &L->tables[0].spec;
	char *copy = xstrdup(L->o->primary_key ? L->o->primary_key : ""), *save = NULL;
	for (char *w = strtok_r(copy, " ,\t", &save); w; w = strtok_r(NULL, " ,\t", &save)) {
		d->keys = xrealloc(d->keys, (d->nkeys + 1) * sizeof(char *));
		d->keys[d->nkeys++] = xstrdup(w);
	}
	free(copy);
	if (L->o->dedup_sort) {
		char name[256];
		sscanf(L->o->dedup_sort, "%255s", name);
		d->sort = xstrdup(name);
		d->sort_dir = strcasestr(L->o->dedup_sort, " desc") ? -1 : 1;
	}
	size_t n = 2 + (d->sort != NULL) + d->nkeys, c = 0;
	struct column_def *cols = xcalloc(n, sizeof *cols);
	enum type *types = xcalloc(n, sizeof *types);
	cols[c++] = (struct column_def){xstrdup("h"), TYPE_INT64};
	cols[c++] = (struct column_def){xstrdup("n"), TYPE_INT64};
	for (size_t i = 0; i < (d->sort != NULL) + d->nkeys; i++) {
		const char *name = d->sort && i == 0 ? d->sort : d->keys[i - (d->sort != NULL)];
		int k = table_spec_column(out, name);
		if (k < 0) {
			for (size_t j = 0; j < c; j++)
				free(cols[j].name);
			free(cols);
			free(types);
			return no_column(L, d->sort && i == 0 ? "dedup_sort" : "primary_key", name, out->name);
		}
		cols[c++] = (struct column_def){xasprintf("c%zu", i), out->cols[k].type};
	}
	for (size_t i = 0; i < n; i++)
		types[i] = cols[i].type;
	d->spec = (struct table_spec){.name = xstrdup("keys"), .ncols = n, .cols = cols, .ncluster = 1};
	d->spec.cluster[0] = xstrdup("h");
	batch_init(&d->b, n, types);
	free(types);
	d->dir = xasprintf("%s.keys", L->o->out_dir);
	if ((error = rm_rf(d->dir)) < 0 || (error = mkdir_p(d->dir)) < 0 ||
	    (error = table_writer_open(&d->w, d->dir, &d->spec)) < 0)
		return error;
	table_writer_set_memory(d->w, LOAD_WRITER_MEMORY);
	return 0;
}

static void dedup_free(struct dedup *d)
{
	if (d->w)
		table_writer_abort(d->w);
	if (d->dir)
		rm_rf(d->dir);
	free(d->dir);
	for (size_t i = 0; i < d->nkeys; i++)
		free(d->keys[i]);
	free(d->keys);
	free(d->sort);
	for (size_t i = 0; i < d->spec.ncols; i++)
		free(d->spec.cols[i].name);
	free(d->spec.cols);
	d->spec.cols = NULL;
	d->spec.ncols = 0;
	free(d->spec.name);
	free(d->spec.cluster[0]);
	batch_free(&d->b);
}

/* Numbers the rows of the root table at dir and writes their keys. */
static int dedup_add(struct loader *L, struct dedup *d, const char *dir)
{
	struct table *t = NULL;
	struct batch b = {0};
	size_t nk = (d->sort != NULL) + d->nkeys, first = 2;
	int *cols = xcalloc(nk, sizeof(int)), error = 0;
	if ((error = table_open(&t, dir)) < 0)
		goto done;
	for (size_t i = 0; i < nk; i++) {
		const char *name = d->sort && i == 0 ? d->sort : d->keys[i - (d->sort != NULL)];
		if ((cols[i] = table_column(t, name)) < 0) {
			error = no_column(L, d->sort && i == 0 ? "dedup_sort" : "primary_key", name, t->spec.name);
			goto done;
		}
	}
	for (size_t p = 0; p < t->npartitions; p++)
		for (size_t bl = 0; bl < t->partitions[p].nblocks; bl++) {
			if ((error = table_read(t, p, bl, cols, nk, &b)) < 0)
				goto done;
			for (size_t r = 0; r < b.nrows; r++) {
				uint64_t h = 0x243f6a8885a308d3ULL;
				for (size_t i = 0; i < nk; i++) {
					struct value v = vec_get(&b.cols[i], r);
					vec_push(&d->b.cols[first + i], &v);
				}
				/* hashed as the output's types hold them, as they are compared */
				for (size_t i = d->sort != NULL; i < nk; i++) {
					struct value v = vec_get(&d->b.cols[first + i], d->b.nrows);
					h = (h ^ value_hash(&v)) * 0x100000001b3ULL;
					h ^= h >> 29;
				}
				struct value hv = value_int64((int64_t)h), nv = value_int64((int64_t)d->rows++);
				vec_push(&d->b.cols[0], &hv);
				vec_push(&d->b.cols[1], &nv);
				if (++d->b.nrows == BATCH_ROWS) {
					if ((error = table_writer_append(d->w, &d->b)) < 0)
						goto done;
					batch_reset(&d->b);
				}
			}
		}
done:
	batch_free(&b);
	if (t)
		table_close(t);
	free(cols);
	return error;
}

/* One key's newest row so far, among the rows of one hash. */
struct candidate {
	struct value *vals; /* [sort], keys: copies */
	uint64_t n;
};

static bool same_dedup_key(const struct dedup *d, const struct value *a, const struct value *b)
{
	for (size_t i = d->sort != NULL; i < (d->sort != NULL) + d->nkeys; i++)
		if (!value_same(&a[i], &b[i]))
			return false;
	return true;
}

/* Reads the sorted keys back and sets the bit of each key's winner. */
static int dedup_winners(struct dedup *d, uint8_t **bits)
{
	struct table *t = NULL;
	struct batch b = {0};
	struct candidate *cand = NULL;
	size_t ncand = 0, capcand = 0, nv = (d->sort != NULL) + d->nkeys;
	struct value *row = xcalloc(nv, sizeof *row);
	struct arena mem = {0};
	int64_t group = 0;
	int error = 0;
	int *cols = xcalloc(d->spec.ncols, sizeof(int));
	for (size_t i = 0; i < d->spec.ncols; i++)
		cols[i] = (int)i;
	*bits = xcalloc(d->rows / 8 + 1, 1);
	error = table_writer_finish(d->w);
	d->w = NULL;
	if (error < 0 || (error = table_open(&t, d->dir)) < 0)
		goto done;
	for (size_t p = 0; p < t->npartitions; p++)
		for (size_t bl = 0; bl < t->partitions[p].nblocks; bl++) {
			if ((error = table_read(t, p, bl, cols, d->spec.ncols, &b)) < 0)
				goto done;
			for (size_t r = 0; r < b.nrows; r++) {
				int64_t h = vec_get(&b.cols[0], r).i;
				uint64_t n = (uint64_t)vec_get(&b.cols[1], r).i;
				if (ncand && h != group) {
					for (size_t c = 0; c < ncand; c++)
						(*bits)[cand[c].n >> 3] |= (uint8_t)(1u << (cand[c].n & 7));
					ncand = 0;
					arena_reset(&mem);
				}
				group = h;
				for (size_t i = 0; i < nv; i++)
					row[i] = vec_get(&b.cols[2 + i], r);
				size_t c = 0;
				while (c < ncand && !same_dedup_key(d, cand[c].vals, row))
					c++;
				if (c == ncand) {
					grow_array(&cand, &capcand, ncand + 1, sizeof *cand);
					cand[ncand].vals = arena_alloc(&mem, nv * sizeof(struct value));
					ncand++;
				} else if (d->sort && d->sort_dir * value_order(&row[0], &cand[c].vals[0]) < 0) {
					continue; /* the kept row is newer */
				}
				for (size_t i = 0; i < nv; i++) {
					struct value v = row[i];
					if (type_is_string(v.type) && !v.is_null)
						v.s.p = arena_strndup(&mem, v.s.p, v.s.len);
					cand[c].vals[i] = v;
				}
				cand[c].n = n;
			}
		}
	for (size_t c = 0; c < ncand; c++)
		(*bits)[cand[c].n >> 3] |= (uint8_t)(1u << (cand[c].n & 7));
done:
	batch_free(&b);
	if (t)
		table_close(t);
	arena_free(&mem);
	free(cand);
	free(row);
	free(cols);
	return error;
}

/* Copies the rows of the table at dir that keep allows (every row when
 * keep is NULL) into t's writer, column by column by name. */
static int copy_rows(struct ltable *t, const char *dir, const struct keep *keep, bool existing)
{
	struct table *src = NULL;
	struct batch b = {0};
	int *cols = NULL, *map = NULL, error, idcol;
	size_t ncols = 0;
	uint64_t n = keep ? keep->first : 0;
	if (!path_is_dir(dir))
		return 0;
	if ((error = table_open(&src, dir)) < 0)
		return error;
	cols = xcalloc(t->spec.ncols, sizeof(int));
	map = xcalloc(t->spec.ncols, sizeof(int));
	for (size_t i = 0; i < t->spec.ncols; i++) {
		int k = table_column(src, t->spec.cols[i].name);
		map[i] = -1;
		if (k >= 0) {
			map[i] = (int)ncols;
			cols[ncols++] = k;
		}
	}
	idcol = map[t->lin[t->parent < 0 ? LIN_ROW_ID : LIN_ROOT_ID]];
	for (size_t p = 0; p < src->npartitions; p++)
		for (size_t bl = 0; bl < src->partitions[p].nblocks; bl++) {
			if ((error = table_read(src, p, bl, cols, ncols, &b)) < 0)
				goto done;
			for (size_t r = 0; r < b.nrows; r++, n++) {
				if (keep) {
					int64_t id = idcol >= 0 ? vec_get(&b.cols[idcol], r).i : -1;
					if (keep->bits && !(keep->bits[n >> 3] & (1u << (n & 7))))
						continue;
					if (keep->roots && (!keep->roots->n || !bsearch(&id, keep->roots->ids, keep->roots->n,
					                                                  sizeof id, compare_id)))
						continue;
					if (keep->collect) {
						grow_array(&keep->collect->ids, &keep->collect->cap, keep->collect->n + 1, sizeof id);
						keep->collect->ids[keep->collect->n++] = id;
					}
				}
				for (size_t i = 0; i < t->spec.ncols; i++) {
					if (map[i] < 0)
						vec_push_null(&t->batch.cols[i]);
					else {
						struct value v = vec_get(&b.cols[map[i]], r);
						vec_push(&t->batch.cols[i], &v);
					}
				}
				t->batch.nrows++;
				t->rows++;
				if (t->batch.nrows >= BATCH_ROWS && (error = flush_rows(t, existing)) < 0)
					goto done;
			}
		}
	error = flush_rows(t, existing);
done:
	batch_free(&b);
	table_close(src);
	free(cols);
	free(map);
	return error;
}

static int assemble(struct loader *L)
{
	/* The root ids kept, of the old table and of this load: the same data
	 * loaded again has the same ids. */
	struct idset ids_old = {0}, ids_new = {0};
	struct dedup d = {0};
	uint8_t *bits = NULL;
	uint64_t old_rows = 0;
	int error = 0;
	bool merge = L->o->write == LOAD_MERGE, children = L->ntables > 1;
	char *new_root = xstrdup(L->stage);

	if (merge) {
		if ((error = dedup_open(L, &d)) < 0)
			goto done;
		if (L->prev_dir && path_is_dir(L->prev_dir) && (error = dedup_add(L, &d, L->prev_dir)) < 0)
			goto done;
		old_rows = d.rows;
		if ((error = dedup_add(L, &d, new_root)) < 0 ||
		    (d.b.nrows && (error = table_writer_append(d.w, &d.b)) < 0) ||
		    (error = dedup_winners(&d, &bits)) < 0)
			goto done;
	}
	/* The writers go to out_dir now; the staged tables are read back. */
	for (size_t ti = 0; ti < L->ntables; ti++) {
		struct ltable *t = &L->tables[ti];
		bool root = t->parent < 0;
		char *old = root ? (L->prev_dir ? xstrdup(L->prev_dir) : NULL)
		                 : (L->prev_dir ? path_join(L->prev_dir, t->name) : NULL);
		char *staged = root ? xstrdup(new_root) : path_join(new_root, t->name);
		struct keep keep_old = {.bits = root ? bits : NULL, .first = 0, .collect = root && children ? &ids_old : NULL,
		                        .roots = root ? NULL : &ids_old};
		struct keep keep_new = {.bits = root ? bits : NULL, .first = old_rows,
		                        .collect = root && children ? &ids_new : NULL, .roots = root ? NULL : &ids_new};
		free(t->dir);
		t->dir = root ? xstrdup(L->o->out_dir) : path_join(L->o->out_dir, t->name);
		t->rows = 0;
		batch_reset(&t->batch);
		if ((error = mkdir_p(t->dir)) >= 0 && (error = table_writer_open(&t->w, t->dir, &t->spec)) >= 0 &&
		    (table_writer_set_memory(t->w, LOAD_WRITER_MEMORY), true) &&
		    (!old || (error = copy_rows(t, old, merge ? &keep_old : NULL, true)) >= 0))
			error = copy_rows(t, staged, merge ? &keep_new : NULL, false);
		free(old);
		free(staged);
		if (error < 0) {
			error_prefix("table %s: ", t->name);
			goto done;
		}
		if (root && ids_old.n)
			qsort(ids_old.ids, ids_old.n, sizeof(int64_t), compare_id);
		if (root && ids_new.n)
			qsort(ids_new.ids, ids_new.n, sizeof(int64_t), compare_id);
	}
	error = finish_writers(L);
done:
	dedup_free(&d);
	free(bits);
	free(ids_old.ids);
	free(ids_new.ids);
	free(new_root);
	return error;
}

/* A `types` entry that names no key of the input is a typo until shown
 * otherwise: the column it meant would be loaded with an inferred type.  A
 * key that is null in every row counts (it has a node, not a column).  The
 * source's own hints (Socrata's) may name fields a query left out. */
static int check_hints(struct loader *L)
{
	for (size_t i = 0; i < L->nhints; i++) {
		bool found = !L->hints[i].user;
		struct buf names = BUF_INIT;
		int error;
		for (size_t n = 0; n < L->nnodes && !found; n++)
			found = L->nodes[n].child < 0 && str_eq_nocase(L->nodes[n].name, L->hints[i].name);
		if (found)
			continue;
		for (size_t n = 0; n < L->nnodes && names.len < 200; n++)
			if (L->nodes[n].child < 0 && L->nodes[n].table == 0)
				buf_printf(&names, "%s%s", names.len ? ", " : "", L->nodes[n].name);
		error = error_setcode(PIPE_EUSAGE, "%s%stypes: %s names no column of the input (its columns: %s); a "
		                      "column's name is its key normalised (docs/staging.md)",
		                      L->o->where ? L->o->where : "", L->o->where ? ": " : "", L->hints[i].name,
		                      names.len ? buf_cstr(&names) : "none");
		buf_free(&names);
		return error;
	}
	return 0;
}

/* "column x", or "column items.x" in a child table. */
static void column_label(struct buf *out, const struct ltable *t, size_t ti, const struct column *c)
{
	buf_printf(out, "column %s%s%s", ti ? t->name : "", ti ? "." : "", c->name);
}

/* What the load decided about values that did not all agree with their
 * column, one line each: printed with the build's output and kept in the
 * state record, so that no value changes without a word. */
static void decisions_text(struct loader *L, struct buf *out)
{
	static const char *const kind_name[6] = {"INT64", "FLOAT64", "BOOL", "STRING", "DATE", "TIMESTAMP"};
	for (size_t ti = 0; ti < L->ntables; ti++) {
		struct ltable *t = &L->tables[ti];
		for (size_t i = 0; i < t->ncols; i++) {
			struct column *c = t->cols[i];
			int kinds = __builtin_popcount(c->seen);
			if (c->pos < 0)
				continue;
			if (!c->fixed && c->hint == TYPE_NULL && c->type == TYPE_STRING && kinds > 1) {
				column_label(out, t, ti, c);
				buf_putc(out, ':');
				for (int k = 0; k < 6; k++)
					if (c->nkind[k])
						buf_printf(out, " %lld %s,", (long long)c->nkind[k], kind_name[k]);
				out->data[--out->len] = '\0';
				buf_puts(out, " values: the column is STRING, every value as written\n");
			}
			if (c->beyond_int64 && c->type == TYPE_FLOAT64) {
				column_label(out, t, ti, c);
				buf_printf(out, ": %lld integer%s beyond INT64 (%s%s): the column is FLOAT64, and they "
				           "are rounded to 17 significant digits (types = %s:STRING keeps them exact)\n",
				           (long long)c->beyond_int64, c->beyond_int64 == 1 ? "" : "s",
				           c->beyond_example, c->beyond_int64 == 1 ? "" : ", ...", c->name);
			}
			for (int v = 0; v < V_COUNT; v++) {
				struct column *x = c->variant[v];
				int64_t n = 0;
				if (!x)
					continue;
				for (int k = 0; k < 6; k++)
					n += x->nkind[k];
				if (!n)
					continue;
				column_label(out, t, ti, c);
				buf_printf(out, ": %lld value%s that %s not %s, as the table has it: into column %s\n",
				           (long long)n, n == 1 ? "" : "s", n == 1 ? "is" : "are", type_name(c->type),
				           x->name);
			}
		}
	}
}

static void schema_text(struct loader *L, struct buf *out)
{
	for (size_t ti = 0; ti < L->ntables; ti++) {
		const struct table_spec *s = &L->tables[ti].spec;
		for (size_t i = 0; i < s->ncols; i++)
			buf_printf(out, "%s.%s %s\n", s->name, s->cols[i].name, type_name(s->cols[i].type));
	}
}

int load_run(const struct load_options *o, struct load_result *res)
{
	struct loader L = {0};
	int error;
	bool staged;

	memset(res, 0, sizeof(*res));
	L.o = o;
	if (o->prev_dir && path_is_dir(o->prev_dir) && (o->write != LOAD_REPLACE || o->freeze))
		L.prev_dir = o->prev_dir;
	staged = o->write != LOAD_REPLACE && L.prev_dir;
	if (o->write == LOAD_MERGE && (!o->primary_key || !*o->primary_key)) {
		error = error_setcode(PIPE_EUSAGE, "%s%swrite = merge needs a primary_key", o->where ? o->where : "",
		                      o->where ? ": " : "");
		goto done;
	}
	if ((error = parse_hints(&L, o->auto_types, false)) < 0 || (error = parse_hints(&L, o->types, true)) < 0)
		goto done;
	if ((error = table_new(&L, o->table, -1)) < 0)
		goto done;
	L.tape_path = xasprintf("%s.tape", o->out_dir);
	if (!(L.tape = fopen(L.tape_path, "w+b"))) {
		error = error_set("%s: %s", L.tape_path, strerror(errno));
		goto done;
	}
	unlink(L.tape_path); /* gone when closed, whatever happens */
	L.pass = 1;
	if ((error = run_pass(&L)) < 0 || (error = check_hints(&L)) < 0)
		goto done;
	res->loaded = L.loaded;

	if (staged)
		L.stage = xasprintf("%s.new", o->out_dir);
	if (path_exists(o->out_dir) && (error = rm_rf(o->out_dir)) < 0)
		goto done;
	if (L.stage && path_exists(L.stage) && (error = rm_rf(L.stage)) < 0)
		goto done;
	if ((error = open_writers(&L, L.stage ? L.stage : o->out_dir)) < 0)
		goto done;
	{
		struct buf b = BUF_INIT;
		decisions_text(&L, &b);
		res->decisions = buf_detach(&b);
	}
	for (size_t i = 0; i < L.ntables; i++) {
		struct ltable *t = &L.tables[i];
		t->seed = str_hash64(o->load_id, strlen(o->load_id)) ^ str_hash64(t->name, strlen(t->name));
		t->base = o->write == LOAD_APPEND && t->prev ? (int64_t)t->prev->rows : 0;
	}
	L.pass = 2;
	if ((error = replay_beside(&L)) < 0)
		goto done;
	if ((error = finish_writers(&L)) < 0)
		goto done;
	if (L.stage && (error = assemble(&L)) < 0)
		goto done;
	if (o->write == LOAD_MERGE && !L.stage) {
		/* No old table, but the load itself may repeat keys. */
		L.stage = xasprintf("%s.new", o->out_dir);
		if (path_exists(L.stage) && (error = rm_rf(L.stage)) < 0)
			goto done;
		if (rename(o->out_dir, L.stage) < 0) {
			error = error_set("%s: %s", o->out_dir, strerror(errno));
			goto done;
		}
		if ((error = assemble(&L)) < 0)
			goto done;
	}
	res->rows = L.tables[0].rows;
	{
		struct buf b = BUF_INIT;
		schema_text(&L, &b);
		res->schema = buf_detach(&b);
	}
done:
	for (size_t i = 0; i < L.ntables; i++) {
		struct ltable *t = &L.tables[i];
		if (t->w)
			table_writer_abort(t->w);
		for (size_t j = 0; j < t->ncols; j++) {
			free(t->cols[j]->name);
			free(t->cols[j]->beyond_example);
			free(t->cols[j]);
		}
		free(t->cols);
		strmap_free(&t->by_name);
		free(t->name);
		free(t->dir);
		table_spec_free(&t->spec);
		batch_free(&t->batch);
		batch_free(&t->spare);
		if (t->prev)
			table_close(t->prev);
	}
	free(L.tables);
	for (size_t i = 0; i < L.nnodes; i++) {
		free(L.nodes[i].name);
		free(L.nodes[i].order);
	}
	if (L.tape)
		fclose(L.tape);
	free(L.tape_path);
	buf_free(&L.tape_out);
	free(L.tape_in);
	free(L.nodes);
	free(L.slots);
	for (size_t i = 0; i < L.nhints; i++)
		free(L.hints[i].name);
	free(L.hints);
	arena_free(&L.mem);
	buf_free(&L.scratch);
	if (L.stage) {
		rm_rf(L.stage);
		free(L.stage);
	}
	if (error < 0 && path_exists(o->out_dir))
		rm_rf(o->out_dir);
	return error;
}

void load_result_free(struct load_result *res)
{
	free(res->schema);
	free(res->decisions);
	res->schema = res->decisions = NULL;
}
