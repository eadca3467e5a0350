/* table: tables on disk, their reader and the catalog.
 *
 * A table is a directory:
 *
 *   <table>/manifest        the text manifest below
 *   <table>/blocks          every block's chunk locations and statistics
 *   <table>/table.data      the column data: partition after partition in
 *                           manifest order, in each its blocks in order, in
 *                           each block one chunk per column in schema order
 *                           (chunk encodings: atop column.c)
 *   <table>/<child>/        child tables (x__y inside x), each a table
 *
 * One data file rather than one per partition: creating hundreds of files
 * took more of a 2M-row write than encoding them.  Each chunk is still read
 * with one pread, at the offset the blocks file gives.
 *
 * The manifest is line-based text, one record per line, words separated by
 * one space, strings in double quotes with \\ \" \n \t \xHH escapes: what a
 * reviewer reads.
 *
 *   pipe-table 2
 *   name "optimized_taxi_trips"
 *   dataset "taxi_data"                          (optional)
 *   description "..."                            (optional)
 *   require_partition_filter true                (optional)
 *   block_rows 2048
 *   column "VendorID" INT64                      (one per column, in order)
 *   partition_by time "tpep_dropoff_datetime" DAY     (or:)
 *   partition_by range "x" START END INTERVAL
 *   cluster "VendorID"                           (one per clustering column)
 *   rows 1500
 *   partition "20190101" rows 812 blocks 1 lo 17897 hi 17898  (one per partition)
 *
 * The blocks file is binary, little-endian, so that opening a table is
 * cheap: a query maps it and decodes the blocks of only the partitions it
 * reads (the text form of 60,000 chunk records took 20 ms to parse).
 *
 *   "pipe-blocks 1\n"
 *   uint64 start[npartitions]       offset of each partition's first block
 *   per block: uint32 rows, then per column:
 *     uint64 offset, length, nulls, bytes; uint8 flags (1 min, 2 max);
 *     min and max if flagged: fixed-width types as in a chunk (BOOL 1, DATE
 *     4, NUMERIC 16, others 8), strings as uint32 length + bytes
 *
 * BYTES is BigQuery's logical size of the chunk's values (bytes.h), so a
 * dry run needs nothing but the statistics.  Nothing in the files depends
 * on time, machine, -j or the writer's memory budget: the same rows in the
 * same order give the same bytes.
 *
 * table_write.c writes tables; this file reads them, and holds the specs
 * and the catalog. */
#include "table.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "column.h"
#include "table_file.h"


/* ---- specs ---- */

static char *dup_or_null(const char *s) { return s ? xstrdup(s) : NULL; }

void table_spec_copy(struct table_spec *dst, const struct table_spec *src)
{
	*dst = *src;
	dst->dataset = dup_or_null(src->dataset);
	dst->name = dup_or_null(src->name);
	dst->description = dup_or_null(src->description);
	dst->partition.column = dup_or_null(src->partition.column);
	dst->cols = xcalloc(src->ncols ? src->ncols : 1, sizeof *dst->cols);
	for (size_t i = 0; i < src->ncols; i++) {
		dst->cols[i].name = xstrdup(src->cols[i].name);
		dst->cols[i].type = src->cols[i].type;
	}
	for (size_t i = 0; i < src->ncluster && i < TABLE_MAX_CLUSTER; i++)
		dst->cluster[i] = xstrdup(src->cluster[i]);
}

void table_spec_free(struct table_spec *spec)
{
	if (!spec)
		return;
	for (size_t i = 0; i < spec->ncols; i++)
		free(spec->cols[i].name);
	free(spec->cols);
	for (size_t i = 0; i < spec->ncluster && i < TABLE_MAX_CLUSTER; i++)
		free(spec->cluster[i]);
	free(spec->dataset);
	free(spec->name);
	free(spec->description);
	free(spec->partition.column);
	memset(spec, 0, sizeof *spec);
}

int table_spec_column(const struct table_spec *spec, const char *name)
{
	for (size_t i = 0; i < spec->ncols; i++)
		if (str_eq_nocase(spec->cols[i].name, name))
			return (int)i;
	return -1;
}

static const char partition_rules[] =
	"PARTITION BY expression must be DATE(<timestamp_column>), DATE(<datetime_column>), "
	"DATETIME_TRUNC(<datetime_column>, DAY/HOUR/MONTH/YEAR), a DATE column, "
	"TIMESTAMP_TRUNC(<timestamp_column>, DAY/HOUR/MONTH/YEAR), DATE_TRUNC(<date_column>, MONTH/YEAR), "
	"or RANGE_BUCKET(<int64_column>, GENERATE_ARRAY(<int64_value>, <int64_value>[, <int64_value>]))";

struct col_name {
	const char *name;
	size_t i;
};

/* By name ignoring case, then by position. */
static int cmp_col_names(const void *a, const void *b)
{
	const struct col_name *x = a, *y = b;
	int c = strcasecmp(x->name, y->name);
	return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* The first column (in order) whose name an earlier one has, or -1: a sort
 * of the names, so that 100,000 columns take milliseconds, not minutes. */
static long first_duplicate(const struct table_spec *spec)
{
	struct col_name *v = xcalloc(spec->ncols, sizeof *v);
	for (size_t i = 0; i < spec->ncols; i++)
		v[i] = (struct col_name){spec->cols[i].name, i};
	qsort(v, spec->ncols, sizeof *v, cmp_col_names);
	long dup = -1;
	for (size_t k = 1; k < spec->ncols; k++)
		if (strcasecmp(v[k - 1].name, v[k].name) == 0 && (dup < 0 || v[k].i < (size_t)dup))
			dup = (long)v[k].i;
	free(v);
	return dup;
}

int table_spec_check(const struct table_spec *spec)
{
	if (!spec->name || !*spec->name)
		return error_setcode(PIPE_EUSAGE, "a table needs a name");
	if (strchr(spec->name, '/') || spec->name[0] == '.')
		return error_setcode(PIPE_EUSAGE, "Invalid table name: %s", spec->name);
	if (spec->ncols == 0)
		return error_setcode(PIPE_EUSAGE, "Table %s has no columns", spec->name);
	for (size_t i = 0; i < spec->ncols; i++) {
		const struct column_def *c = &spec->cols[i];
		if (!c->name || !*c->name)
			return error_setcode(PIPE_EUSAGE, "Column %zu of %s has no name", i + 1, spec->name);
		if (c->type <= TYPE_NULL || c->type >= TYPE_COUNT)
			return error_setcode(PIPE_EUSAGE, "Column %s has no type", c->name);
		size_t chars = 0;
		for (const char *p = c->name; *p; p++)
			chars += ((unsigned char)*p & 0xc0) != 0x80;
		if (chars > TABLE_MAX_COLUMN_NAME)
			return error_setcode(PIPE_EUSAGE,
			                     "Invalid field name \"%.40s...\". Fields must contain the allowed "
			                     "characters, and be at most %d characters long",
			                     c->name, TABLE_MAX_COLUMN_NAME);
	}
	long dup = first_duplicate(spec);
	if (dup >= 0)
		return error_setcode(PIPE_EUSAGE,
		                     "Duplicate column names in the result are not supported. Found duplicate(s): %s",
		                     spec->cols[dup].name);
	const struct partition_spec *p = &spec->partition;
	if (p->kind != PARTITION_NONE) {
		int col = p->column ? table_spec_column(spec, p->column) : -1;
		if (col < 0)
			return error_setcode(PIPE_EUSAGE, "Unrecognized name: %s", p->column ? p->column : "(none)");
		enum type t = spec->cols[col].type;
		if (p->kind == PARTITION_TIME) {
			bool unit_ok = p->unit == PART_DAY || p->unit == PART_MONTH || p->unit == PART_YEAR ||
			               (p->unit == PART_HOUR && t != TYPE_DATE);
			if ((t != TYPE_DATE && t != TYPE_TIMESTAMP && t != TYPE_DATETIME) || !unit_ok)
				return error_setcode(PIPE_EUSAGE, "%s", partition_rules);
		} else {
			if (t != TYPE_INT64)
				return error_setcode(PIPE_EUSAGE, "%s", partition_rules);
			if (p->interval <= 0 || p->end <= p->start || p->start <= KEY_UNPARTITIONED)
				return error_setcode(PIPE_EUSAGE,
				                     "RANGE_BUCKET partitioning needs start < end and a positive interval");
			if ((uint64_t)(p->end - p->start) / (uint64_t)p->interval >= TABLE_MAX_PARTITIONS)
				return error_setcode(PIPE_EUSAGE,
				                     "Too many partitions produced by RANGE_BUCKET, allowed %d",
				                     TABLE_MAX_PARTITIONS);
		}
	}
	if (spec->ncluster > TABLE_MAX_CLUSTER)
		return error_setcode(PIPE_EUSAGE,
		                     "Too many clustering fields: %zu. Only up to %d clustering fields are allowed",
		                     spec->ncluster, TABLE_MAX_CLUSTER);
	for (size_t i = 0; i < spec->ncluster; i++) {
		int col = table_spec_column(spec, spec->cluster[i]);
		if (col < 0)
			return error_setcode(PIPE_EUSAGE, "Unrecognized name: %s", spec->cluster[i]);
		enum type t = spec->cols[col].type;
		if (t == TYPE_FLOAT64 || t == TYPE_JSON)
			return error_setcode(PIPE_EUSAGE, "Field %s is of type %s which is not supported for clustering",
			                     spec->cols[col].name, type_name(t));
		for (size_t j = 0; j < i; j++)
			if (str_eq_nocase(spec->cluster[i], spec->cluster[j]))
				return error_setcode(PIPE_EUSAGE, "Duplicate clustering field %s", spec->cluster[i]);
	}
	return 0;
}

/* ---- reading the manifest ---- */

struct line_reader {
	const char *path;
	int lineno;
	char *p; /* the rest of the current line */
};

static int bad_manifest(struct line_reader *r, const char *what)
{
	return error_set("%s:%d: %s", r->path, r->lineno, what);
}

/* The next word (bare) or string (quoted, unescaped in place).  NULL at the
 * end of the line. */
static char *next_word_q(struct line_reader *r, size_t *len, bool *quoted)
{
	char *p = r->p;
	*quoted = false;
	while (*p == ' ')
		p++;
	if (!*p)
		return NULL;
	char *start = p, *out = p;
	if (*p != '"') {
		while (*p && *p != ' ')
			p++;
		*len = (size_t)(p - start);
		if (*p)
			*p++ = '\0';
		r->p = p;
		return start;
	}
	p++;
	*quoted = true;
	start = out = p;
	while (*p && *p != '"') {
		if (*p == '\\' && p[1]) {
			p++;
			if (*p == 'n')
				*out++ = '\n';
			else if (*p == 't')
				*out++ = '\t';
			else if (*p == 'x' && p[1] && p[2]) {
				char hex[3] = {p[1], p[2], 0};
				*out++ = (char)strtol(hex, NULL, 16);
				p += 2;
			} else
				*out++ = *p;
			p++;
		} else {
			*out++ = *p++;
		}
	}
	if (*p != '"')
		return NULL;
	*len = (size_t)(out - start);
	*out = '\0';
	r->p = p + 1;
	return start;
}

static char *next_word(struct line_reader *r, size_t *len)
{
	bool quoted;
	return next_word_q(r, len, &quoted);
}

static int word_u64(struct line_reader *r, uint64_t *out)
{
	size_t len;
	char *w = next_word(r, &len), *end;
	if (!w)
		return bad_manifest(r, "a number is missing");
	errno = 0;
	*out = strtoull(w, &end, 10);
	if (*end || errno)
		return bad_manifest(r, "a number is malformed");
	return 0;
}

static int word_i64(struct line_reader *r, int64_t *out)
{
	size_t len;
	char *w = next_word(r, &len), *end;
	if (!w)
		return bad_manifest(r, "a number is missing");
	errno = 0;
	*out = strtoll(w, &end, 10);
	if (*end || errno)
		return bad_manifest(r, "a number is malformed");
	return 0;
}

static int word_str(struct line_reader *r, char **out)
{
	size_t len;
	char *w = next_word(r, &len);
	if (!w)
		return bad_manifest(r, "a string is missing");
	*out = xstrndup(w, len);
	return 0;
}

static int word_keyword(struct line_reader *r, const char *want)
{
	size_t len;
	char *w = next_word(r, &len);
	if (!w || strcmp(w, want) != 0)
		return bad_manifest(r, "malformed line");
	return 0;
}

/* Parses the manifest; with header_only, stops at the partitions. */
static int parse_manifest(struct table *t, struct line_reader *r, char *text, bool header_only)
{
	int error;
	struct table_spec *s = &t->spec;
	size_t colcap = 0, partcap = 0;
	char *line = text;
	while (line && *line) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		r->lineno++;
		r->p = line;
		size_t len;
		char *kw = next_word(r, &len);
		if (r->lineno == 1) {
			if (strcmp(line, "pipe-table") == 0 && strcmp(r->p, "1") == 0)
				return bad_manifest(r, "a table in an older format (1); rebuild it (pipe build -B TARGET)");
			if (strcmp(line, "pipe-table") != 0 || strcmp(r->p, "2") != 0)
				return bad_manifest(r, "not a pipe table manifest (expected \"" FORMAT_LINE "\")");
		} else if (!kw) {
			return bad_manifest(r, "empty line");
		} else if (strcmp(kw, "name") == 0) {
			if (s->name)
				return bad_manifest(r, "a second name");
			if ((error = word_str(r, &s->name)) < 0)
				return error;
		} else if (strcmp(kw, "dataset") == 0) {
			if (s->dataset)
				return bad_manifest(r, "a second dataset");
			if ((error = word_str(r, &s->dataset)) < 0)
				return error;
		} else if (strcmp(kw, "description") == 0) {
			if (s->description)
				return bad_manifest(r, "a second description");
			if ((error = word_str(r, &s->description)) < 0)
				return error;
		} else if (strcmp(kw, "require_partition_filter") == 0) {
			s->require_partition_filter = true;
		} else if (strcmp(kw, "block_rows") == 0) {
			uint64_t v;
			if ((error = word_u64(r, &v)) < 0)
				return error;
			if (v > TABLE_MAX_BLOCK_ROWS)
				return bad_manifest(r, "block_rows out of range");
			s->block_rows = (uint32_t)v;
		} else if (strcmp(kw, "column") == 0) {
			grow_array(&s->cols, &colcap, s->ncols + 1, sizeof *s->cols);
			struct column_def *c = &s->cols[s->ncols];
			char *type = NULL;
			c->name = NULL;
			if ((error = word_str(r, &c->name)) < 0)
				return error;
			s->ncols++;
			if ((error = word_str(r, &type)) < 0)
				return error;
			error = type_parse(type, &c->type);
			free(type);
			if (error < 0)
				return bad_manifest(r, "unknown type");
		} else if (strcmp(kw, "partition_by") == 0) {
			if (s->partition.column)
				return bad_manifest(r, "a second partition_by");
			char *how = NULL;
			if ((error = word_str(r, &how)) < 0)
				return error;
			bool time = strcmp(how, "time") == 0, range = strcmp(how, "range") == 0;
			free(how);
			if (!time && !range)
				return bad_manifest(r, "unknown partitioning");
			if ((error = word_str(r, &s->partition.column)) < 0)
				return error;
			if (time) {
				char *unit = NULL;
				s->partition.kind = PARTITION_TIME;
				if ((error = word_str(r, &unit)) < 0)
					return error;
				error = date_part_parse(unit, &s->partition.unit);
				free(unit);
				if (error < 0)
					return bad_manifest(r, "unknown partitioning unit");
			} else {
				s->partition.kind = PARTITION_RANGE;
				if ((error = word_i64(r, &s->partition.start)) < 0 ||
				    (error = word_i64(r, &s->partition.end)) < 0 ||
				    (error = word_i64(r, &s->partition.interval)) < 0)
					return error;
			}
		} else if (strcmp(kw, "cluster") == 0) {
			if (s->ncluster == TABLE_MAX_CLUSTER)
				return bad_manifest(r, "too many clustering columns");
			if ((error = word_str(r, &s->cluster[s->ncluster])) < 0)
				return error;
			s->ncluster++;
		} else if (strcmp(kw, "rows") == 0) {
			if ((error = word_u64(r, &t->rows)) < 0)
				return error;
		} else if (strcmp(kw, "partition") == 0) {
			if (header_only)
				break;
			grow_array(&t->partitions, &partcap, t->npartitions + 1, sizeof *t->partitions);
			struct partition *part = &t->partitions[t->npartitions++];
			memset(part, 0, sizeof *part);
			uint64_t nblocks;
			if ((error = word_str(r, &part->id)) < 0 || (error = word_keyword(r, "rows")) < 0 ||
			    (error = word_u64(r, &part->rows)) < 0 || (error = word_keyword(r, "blocks")) < 0 ||
			    (error = word_u64(r, &nblocks)) < 0 || (error = word_keyword(r, "lo")) < 0 ||
			    (error = word_i64(r, &part->lo)) < 0 || (error = word_keyword(r, "hi")) < 0 ||
			    (error = word_i64(r, &part->hi)) < 0)
				return error;
			if (nblocks > part->rows || (part->rows && !nblocks))
				return bad_manifest(r, "a partition's block count does not fit its rows");
			part->nblocks = (size_t)nblocks;
			part->is_null = strcmp(part->id, PARTITION_NULL) == 0;
			part->is_unpartitioned = strcmp(part->id, PARTITION_UNPARTITIONED) == 0;
		} else {
			return bad_manifest(r, "unknown record");
		}
		line = nl ? nl + 1 : NULL;
	}
	if (!s->name || !s->ncols)
		return error_set("%s: no name or no columns", r->path);
	return 0;
}

static int bad_blocks(const char *path) { return error_set("%s: truncated or malformed", path); }

/* Reads one min or max; strings point into the file's bytes (kept). */
static bool get_stat(const char **p, const char *end, enum type type, struct value *out)
{
	*out = value_null(type);
	out->is_null = false;
	if (type_is_string(type)) {
		uint32_t len;
		if (end - *p < 4)
			return false;
		memcpy(&len, *p, 4);
		*p += 4;
		if ((size_t)(end - *p) < len)
			return false;
		out->s = (struct str){*p, len};
		*p += len;
	} else {
		size_t w = type_width(type);
		if ((size_t)(end - *p) < w)
			return false;
		memcpy(&out->b, *p, w);
		*p += w;
	}
	return true;
}

/* Maps the blocks file and checks its table of partition offsets; the
 * blocks themselves are decoded when table_load asks for them. */
static int map_blocks(struct table *t)
{
	int error = 0;
	char *path = path_join(t->dir, BLOCKS_FILE);
	int fd = open(path, O_RDONLY);
	struct stat st;
	size_t head = sizeof BLOCKS_MAGIC - 1 + t->npartitions * 8;
	if (fd < 0 || fstat(fd, &st) < 0) {
		error = error_set("opening %s: %s", path, strerror(errno));
		goto done;
	}
	if ((size_t)st.st_size < head) {
		error = bad_blocks(path);
		goto done;
	}
	void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		error = error_set("reading %s: %s", path, strerror(errno));
		goto done;
	}
	t->stats_map = map;
	t->stats_len = (size_t)st.st_size;
	if (memcmp(map, BLOCKS_MAGIC, sizeof BLOCKS_MAGIC - 1) != 0)
		error = bad_blocks(path);
done:
	if (fd >= 0)
		close(fd);
	free(path);
	return error;
}

/* Decodes partition p's blocks: one allocation holding the blocks, their
 * statistics (strings point into the mapped file) and chunk locations. */
static int load_partition(struct table *t, size_t p)
{
	struct partition *part = &t->partitions[p];
	size_t nb = part->nblocks, nc = t->spec.ncols;
	if (part->blocks || !nb)
		return 0;
	const char *base = t->stats_map, *end = base + t->stats_len, *q;
	uint64_t at;
	memcpy(&at, base + sizeof BLOCKS_MAGIC - 1 + p * 8, 8);
	if (at > t->stats_len)
		goto bad;
	q = base + at;
	/* every block takes at least 4 + 33 bytes a column: a count the file
	 * cannot hold is refused before it is allocated for */
	if (nb > (size_t)(end - q) / (4 + 33 * nc))
		goto bad;
	uint32_t max_rows = t->spec.block_rows ? t->spec.block_rows : TABLE_BLOCK_ROWS;
	/* struct col_stats first: it holds 16-byte aligned values */
	size_t stats_size = nb * nc * sizeof(struct col_stats), blocks_size = nb * sizeof(struct block);
	char *mem = xmalloc(stats_size + blocks_size + 2 * nb * nc * sizeof(uint64_t));
	struct col_stats *stats = (struct col_stats *)mem;
	struct block *blocks = (struct block *)(mem + stats_size);
	uint64_t *offsets = (uint64_t *)(mem + stats_size + blocks_size), *lengths = offsets + nb * nc;
	uint64_t rows = 0;
	for (size_t b = 0; b < nb; b++) {
		struct block *blk = &blocks[b];
		blk->stats = stats + b * nc;
		blk->offset = offsets + b * nc;
		blk->length = lengths + b * nc;
		if (end - q < 4)
			goto bad_free;
		memcpy(&blk->rows, q, 4);
		q += 4;
		if (blk->rows > max_rows)
			goto bad_free;
		rows += blk->rows;
		for (size_t c = 0; c < nc; c++) {
			struct col_stats *cs = &blk->stats[c];
			enum type type = t->spec.cols[c].type;
			if (end - q < 33)
				goto bad_free;
			memcpy(&blk->offset[c], q, 8);
			memcpy(&blk->length[c], q + 8, 8);
			memcpy(&cs->nulls, q + 16, 8);
			memcpy(&cs->bytes, q + 24, 8);
			char flags = q[32];
			q += 33;
			cs->min = value_null(type);
			cs->max = value_null(type);
			if (((flags & 1) && !get_stat(&q, end, type, &cs->min)) ||
			    ((flags & 2) && !get_stat(&q, end, type, &cs->max)))
				goto bad_free;
		}
	}
	if (rows != part->rows) {
		free(mem);
		return error_set("%s/%s: partition %s holds %llu rows in its blocks, the manifest says %llu", t->dir,
		                 BLOCKS_FILE, part->id, (unsigned long long)rows, (unsigned long long)part->rows);
	}
	part->blocks = blocks;
	part->block_mem = mem;
	return 0;
bad_free:
	free(mem);
bad:
	return error_set("%s/%s: truncated or malformed (partition %s)", t->dir, BLOCKS_FILE, part->id);
}

int table_load(struct table *t, const bool *which)
{
	int error;
	for (size_t p = 0; p < t->npartitions; p++)
		if ((!which || which[p]) && (error = load_partition(t, p)) < 0)
			return error;
	return 0;
}

enum open_mode { OPEN_MANIFEST, OPEN_LAZY, OPEN_ALL };

/* The manifest; the blocks file mapped (OPEN_LAZY) and decoded (OPEN_ALL).
 * The catalog needs only the dataset. */
static int open_table(struct table **out, const char *dir, enum open_mode mode)
{
	int error;
	struct buf text = BUF_INIT;
	char *path = path_join(dir, "manifest");
	struct table *t = xcalloc(1, sizeof *t);
	t->dir = xstrdup(dir);
	t->fd = -1;
	*out = NULL;
	if ((error = file_read(path, &text)) < 0) {
		if (!path_exists(path))
			error = error_setcode(PIPE_ENOTFOUND, "%s is not a table (no manifest)", dir);
		goto done;
	}
	struct line_reader r = {.path = path};
	if ((error = parse_manifest(t, &r, text.len ? text.data : (char *)"", mode == OPEN_MANIFEST)) < 0 ||
	    (mode != OPEN_MANIFEST && (error = map_blocks(t)) < 0) ||
	    (mode == OPEN_ALL && (error = table_load(t, NULL)) < 0))
		goto done;
	*out = t;
	t = NULL;
done:
	table_close(t);
	buf_free(&text);
	free(path);
	return error;
}

int table_open(struct table **out, const char *dir) { return open_table(out, dir, OPEN_ALL); }
int table_open_lazy(struct table **out, const char *dir) { return open_table(out, dir, OPEN_LAZY); }

void table_close(struct table *t)
{
	if (!t)
		return;
	if (t->fd >= 0)
		close(t->fd);
	for (size_t p = 0; p < t->npartitions; p++) {
		free(t->partitions[p].id);
		free(t->partitions[p].block_mem);
	}
	free(t->partitions);
	if (t->stats_map)
		munmap(t->stats_map, t->stats_len);
	table_spec_free(&t->spec);
	arena_free(&t->mem);
	free(t->dir);
	free(t);
}

int table_column(const struct table *t, const char *name) { return table_spec_column(&t->spec, name); }

int table_read(struct table *t, size_t partition, size_t block, const int *cols, size_t ncols,
               struct batch *out)
{
	int error = 0;
	if (partition >= t->npartitions || block >= t->partitions[partition].nblocks)
		return error_set("reading %s: no block %zu in partition %zu", t->spec.name, block, partition);
	if ((error = load_partition(t, partition)) < 0)
		return error;
	const struct partition *part = &t->partitions[partition];
	const struct block *blk = &part->blocks[block];
	if (t->fd < 0) {
		char *path = path_join(t->dir, DATA_FILE);
		struct stat st;
		t->fd = open(path, O_RDONLY);
		if (t->fd < 0 || fstat(t->fd, &st) < 0)
			error = error_set("opening %s: %s", path, strerror(errno));
		else
			t->data_size = (uint64_t)st.st_size;
		free(path);
		if (error < 0)
			return error;
	}
	if (out->ncols != ncols) {
		batch_free(out);
		batch_init(out, ncols, NULL);
	}
	out->nrows = 0;
	for (size_t k = 0; k < ncols; k++) {
		int c = cols[k];
		if (c < 0 || (size_t)c >= t->spec.ncols)
			return error_set("reading %s: no column %d", t->spec.name, c);
		struct vec *v = &out->cols[k];
		if (v->type != t->spec.cols[c].type)
			vec_retype(v, t->spec.cols[c].type);
		/* a chunk the data file does not hold is not allocated for */
		if (blk->offset[c] > t->data_size || blk->length[c] > t->data_size - blk->offset[c])
			return error_set("%s/%s: truncated or malformed (partition %s)", t->dir, DATA_FILE,
			                 *part->id ? part->id : "(all)");
		if ((error = column_read(t->fd, blk->offset[c], blk->length[c], blk->rows, blk->stats[c].nulls > 0, v)) < 0) {
			error_prefix("%s, partition %s: ", t->spec.name, *part->id ? part->id : "(all)");
			return error;
		}
	}
	out->nrows = blk->rows;
	return 0;
}

/* ---- the catalog ---- */

static bool is_table_dir(const char *dir)
{
	char *m = path_join(dir, "manifest");
	bool yes = path_exists(m);
	free(m);
	return yes;
}

/* root/name, or for a child x__y__z: root/x/x__y/x__y__z and the other
 * nestings of its prefixes. */
static char *find_table_dir(const char *root, const char *name)
{
	char *dir = path_join(root, name);
	if (is_table_dir(dir))
		return dir;
	free(dir);
	const char *sep = strstr(name, "__");
	while (sep) {
		char *parent_name = xstrndup(name, (size_t)(sep - name));
		char *parent = find_table_dir(root, parent_name);
		free(parent_name);
		if (parent) {
			dir = path_join(parent, name);
			free(parent);
			if (is_table_dir(dir))
				return dir;
			free(dir);
		}
		sep = strstr(sep + 2, "__");
	}
	return NULL;
}

/* Whether the table at dir belongs to dataset (NULL: any); a table written
 * without a dataset belongs to every one.  Names compare ignoring case. */
static int dataset_matches(const char *dir, const char *dataset, bool *yes)
{
	struct table *t = NULL;
	int error;
	*yes = true;
	if (!dataset)
		return 0;
	if ((error = open_table(&t, dir, OPEN_MANIFEST)) < 0)
		return error;
	*yes = !t->spec.dataset || str_eq_nocase(t->spec.dataset, dataset);
	table_close(t);
	return 0;
}

/* The table's directory, its name compared ignoring case, or NULL. */
static int find_table(const char *root, const char *table, const char *dataset, char **out)
{
	int error = 0;
	bool yes;
	char **names = NULL;
	size_t n = 0;
	*out = find_table_dir(root, table);
	if (*out && (error = dataset_matches(*out, dataset, &yes)) >= 0 && yes)
		return 0;
	free(*out);
	*out = NULL;
	if (error < 0 || (error = table_list(root, &names, &n)) < 0)
		return error;
	for (size_t i = 0; i < n && !*out && error >= 0; i++) {
		if (!str_eq_nocase(names[i], table) || strcmp(names[i], table) == 0)
			continue;
		char *dir = find_table_dir(root, names[i]);
		if (dir && (error = dataset_matches(dir, dataset, &yes)) >= 0 && yes)
			*out = dir;
		else
			free(dir);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return error;
}

int table_resolve(const char *root, const char *name, char **dir)
{
	int error = 0;
	char *parts[3] = {NULL, NULL, NULL};
	size_t n = 0;
	*dir = NULL;
	for (const char *p = name;;) {
		const char *dot = strchr(p, '.');
		if (n == 3 || (dot && dot == p) || !*p || *p == '.' || (strchr(p, '/') && (!dot || strchr(p, '/') < dot))) {
			error = error_setcode(PIPE_EUSAGE, "Invalid table name: %s (expected [[project.]dataset.]table)", name);
			goto done;
		}
		parts[n++] = dot ? xstrndup(p, (size_t)(dot - p)) : xstrdup(p);
		if (!dot)
			break;
		p = dot + 1;
	}
	const char *table = parts[n - 1], *dataset = n >= 2 ? parts[n - 2] : NULL,
	           *project = n == 3 ? parts[0] : NULL;
	char *found = NULL;
	if ((error = find_table(root, table, dataset, &found)) < 0)
		goto done;
	if (!found) {
		if (project)
			error = error_setcode(PIPE_ENOTFOUND, "Not found: Table %s:%s.%s", project, dataset, table);
		else if (dataset)
			error = error_setcode(PIPE_ENOTFOUND, "Not found: Table %s.%s", dataset, table);
		else
			error = error_setcode(PIPE_ENOTFOUND, "Not found: Table %s", table);
		goto done;
	}
	*dir = found;
done:
	for (size_t i = 0; i < 3; i++)
		free(parts[i]);
	return error;
}

struct name_list {
	char **names;
	size_t n, cap;
};

static int list_dir(const char *dir, struct name_list *out)
{
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : error_set("listing %s: %s", dir, strerror(errno));
	struct dirent *e;
	int error = 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue; /* ., .., and writers' temporary directories */
		char *sub = path_join(dir, e->d_name);
		if (path_is_dir(sub) && is_table_dir(sub)) {
			grow_array(&out->names, &out->cap, out->n + 1, sizeof *out->names);
			out->names[out->n++] = xstrdup(e->d_name);
			error = list_dir(sub, out);
		}
		free(sub);
		if (error < 0)
			break;
	}
	closedir(d);
	return error;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int table_list(const char *root, char ***names, size_t *n)
{
	struct name_list l = {0};
	int error = list_dir(root, &l);
	if (error < 0) {
		for (size_t i = 0; i < l.n; i++)
			free(l.names[i]);
		free(l.names);
		*names = NULL;
		*n = 0;
		return error;
	}
	if (l.n)
		qsort(l.names, l.n, sizeof *l.names, compare_names);
	*names = l.names;
	*n = l.n;
	return 0;
}

void table_describe(const struct table *t, struct buf *out)
{
	const struct table_spec *s = &t->spec;
	size_t width = 0;
	for (size_t i = 0; i < s->ncols; i++)
		if (strlen(s->cols[i].name) > width)
			width = strlen(s->cols[i].name);
	for (size_t i = 0; i < s->ncols; i++)
		buf_printf(out, "%-*s  %s\n", (int)width, s->cols[i].name, type_name(s->cols[i].type));
	if (s->partition.kind == PARTITION_TIME) {
		int col = table_spec_column(s, s->partition.column);
		enum type ct = col >= 0 ? s->cols[col].type : TYPE_DATE;
		if (ct == TYPE_DATE && s->partition.unit == PART_DAY)
			buf_printf(out, "partitioned by %s\n", s->partition.column);
		else if (ct == TYPE_DATE)
			buf_printf(out, "partitioned by DATE_TRUNC(%s, %s)\n", s->partition.column,
			           date_part_name(s->partition.unit));
		else
			buf_printf(out, "partitioned by %s_TRUNC(%s, %s)\n", type_name(ct), s->partition.column,
			           date_part_name(s->partition.unit));
	} else if (s->partition.kind == PARTITION_RANGE) {
		buf_printf(out, "partitioned by RANGE_BUCKET(%s, GENERATE_ARRAY(%lld, %lld, %lld))\n",
		           s->partition.column, (long long)s->partition.start, (long long)s->partition.end,
		           (long long)s->partition.interval);
	}
	if (s->ncluster) {
		buf_puts(out, "clustered by ");
		for (size_t i = 0; i < s->ncluster; i++)
			buf_printf(out, "%s%s", i ? ", " : "", s->cluster[i]);
		buf_putc(out, '\n');
	}
	if (s->require_partition_filter)
		buf_puts(out, "require_partition_filter = true\n");
	if (s->description)
		buf_printf(out, "description: %s\n", s->description);
	buf_printf(out, "%llu row%s in %zu partition%s\n", (unsigned long long)t->rows,
	           t->rows == 1 ? "" : "s", t->npartitions, t->npartitions == 1 ? "" : "s");
}
