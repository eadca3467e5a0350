/* table: a table's spec, its reader and the catalog.
 *
 * A table's files, their format, and the code that reads and writes them
 * are table_format.c's; table_write.c writes tables.  This file checks
 * specs, opens tables (the manifest, then the blocks file's statistics
 * when asked), reads their blocks, and finds tables by name. */
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
	dst->not_null = xcalloc(src->nnot_null + 1, sizeof *dst->not_null);
	for (size_t i = 0; i < src->nnot_null; i++)
		dst->not_null[i] = xstrdup(src->not_null[i]);
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
	for (size_t i = 0; i < spec->nnot_null; i++)
		free(spec->not_null[i]);
	free(spec->not_null);
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

bool table_spec_not_null(const struct table_spec *spec, const char *name)
{
	for (size_t i = 0; i < spec->nnot_null; i++)
		if (str_eq_nocase(spec->not_null[i], name))
			return true;
	return false;
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
		if (type_is_array(c->type))
			return error_setcode(PIPE_EUSAGE, "Column %s is an %s: pipe's tables have no ARRAY columns; "
					     "UNNEST it, or keep one row per element", c->name, type_name(c->type));
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

/* ---- opening and reading ---- */

int table_load_columns(struct table *t, const bool *which, const bool *cols)
{
	int error;
	for (size_t p = 0; p < t->npartitions; p++)
		if ((!which || which[p]) && (error = table_load_partition(t, p, cols)) < 0)
			return error;
	return 0;
}

enum open_mode { OPEN_MANIFEST, OPEN_LAZY, OPEN_ALL };

/* The manifest's lines before its partitions: the catalog's look at a
 * table's dataset reads a few kilobytes, not the line of every partition
 * (a year of days is a hundred kilobytes, a page fault for every four of
 * them into a fresh buffer). */
static int read_header(const char *path, struct buf *text)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), error = 0;
	if (fd < 0)
		return error_setcode(errno == ENOENT ? PIPE_ENOTFOUND : PIPE_ERROR, "%s: %s", path, strerror(errno));
	for (;;) {
		char *end;
		ssize_t n;
		buf_grow(text, 8192);
		if ((n = read(fd, text->data + text->len, 8191)) < 0) {
			if (errno == EINTR)
				continue;
			error = error_set("%s: %s", path, strerror(errno));
			break;
		}
		text->len += (size_t)n;
		text->data[text->len] = '\0';
		if (n == 0)
			break;
		/* a whole line then a partition's: the header is in */
		if ((end = strstr(text->data, "\npartition "))) {
			end[1] = '\0';
			text->len = (size_t)(end + 1 - text->data);
			break;
		}
	}
	close(fd);
	return error;
}

/* The manifest; the blocks file opened (OPEN_LAZY) and decoded (OPEN_ALL).
 * The catalog needs only the dataset. */
static int open_table(struct table **out, const char *dir, enum open_mode mode)
{
	int error;
	struct buf text = BUF_INIT;
	char *path = path_join(dir, "manifest");
	struct table *t = xcalloc(1, sizeof *t);
	t->dir = xstrdup(dir);
	t->fd = -1;
	t->blocks_fd = -1;
	*out = NULL;
	if ((error = mode == OPEN_MANIFEST ? read_header(path, &text) : file_read(path, &text)) < 0) {
		if (!path_exists(path))
			error = error_setcode(PIPE_ENOTFOUND, "%s is not a table (no manifest)", dir);
		goto done;
	}
	if ((error = table_manifest_read(t, path, text.len ? text.data : (char *)"", mode == OPEN_MANIFEST)) < 0 ||
	    (mode != OPEN_MANIFEST && (error = table_open_blocks(t)) < 0) ||
	    (mode == OPEN_ALL && (error = table_load_columns(t, NULL, NULL)) < 0))
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
int table_open_spec(struct table **out, const char *dir) { return open_table(out, dir, OPEN_MANIFEST); }

void table_close(struct table *t)
{
	if (!t)
		return;
	if (t->fd >= 0)
		close(t->fd);
	if (t->blocks_fd >= 0)
		close(t->blocks_fd);
	for (size_t p = 0; p < t->npartitions; p++) {
		for (size_t m = 0; m < t->partitions[p].nblock_mem; m++)
			free(t->partitions[p].block_mem[m]);
		free(t->partitions[p].block_mem);
	}
	free(t->partitions);
	table_spec_free(&t->spec);
	arena_free(&t->mem);
	free(t->dir);
	free(t);
}

int table_column(const struct table *t, const char *name) { return table_spec_column(&t->spec, name); }

static int open_data(struct table *t)
{
	int error = 0;
	if (t->fd >= 0)
		return 0;
	char *path = path_join(t->dir, DATA_FILE);
	struct stat st;
	t->fd = open(path, O_RDONLY);
	if (t->fd < 0 || fstat(t->fd, &st) < 0)
		error = error_set("opening %s: %s", path, strerror(errno));
	else
		t->data_size = (uint64_t)st.st_size;
	free(path);
	return error;
}

int table_read_shared(struct table *t, const bool *which, const bool *cols)
{
	int error;
	if ((error = table_load_columns(t, which, cols)) < 0)
		return error;
	return open_data(t);
}

/* The columns cols[0..ncols) of partition p decoded: a read of a column
 * no query planned (a table read whole, a merge) loads it here. */
static int load_read_columns(struct table *t, size_t p, const int *cols, size_t ncols)
{
	const struct partition *part = &t->partitions[p];
	bool missing = !part->blocks;
	for (size_t k = 0; k < ncols && !missing; k++)
		missing = cols[k] < 0 || (size_t)cols[k] >= t->spec.ncols || !part->columns[cols[k]].stats;
	if (!missing)
		return 0;
	bool *want = xcalloc(t->spec.ncols + 1, sizeof *want);
	for (size_t k = 0; k < ncols; k++)
		if (cols[k] >= 0 && (size_t)cols[k] < t->spec.ncols)
			want[cols[k]] = true;
	int error = table_load_partition(t, p, want);
	free(want);
	return error;
}

/* Column c of blk is one the table has, in bytes the data file holds (a
 * chunk it does not hold is not allocated for). */
static int check_chunk(const struct table *t, const struct partition *part, const struct block *blk, int c)
{
	if (c < 0 || (size_t)c >= t->spec.ncols)
		return error_set("reading %s: no column %d", t->spec.name, c);
	if (block_offset(blk, c) > t->data_size || block_length(blk, c) > t->data_size - block_offset(blk, c))
		return error_set("%s/%s: truncated or malformed (partition %s)", t->dir, DATA_FILE,
		                 *part->id ? part->id : "(all)");
	return 0;
}

int table_read(struct table *t, size_t partition, size_t block, const int *cols, size_t ncols,
               struct batch *out)
{
	int error = 0;
	if (partition >= t->npartitions || block >= t->partitions[partition].nblocks)
		return error_set("reading %s: no block %zu in partition %zu", t->spec.name, block, partition);
	if ((error = load_read_columns(t, partition, cols, ncols)) < 0)
		return error;
	const struct partition *part = &t->partitions[partition];
	const struct block *blk = &part->blocks[block];
	if ((error = open_data(t)) < 0)
		return error;
	if (out->ncols != ncols) {
		batch_free(out);
		batch_init(out, ncols, NULL);
	}
	out->nrows = 0;
	for (size_t k = 0; k < ncols; k++)
		if ((error = check_chunk(t, part, blk, cols[k])) < 0)
			return error;
	for (size_t k = 0, next; k < ncols; k = next) {
		/* Columns whose chunks lie back to back in the file (neighbours
		 * in the schema) are one pread, into the first one's arena: a
		 * read costs a system call whatever its size, and a wide scan
		 * made one per chunk.  The others' strings point into that
		 * arena, which lives as long as theirs did: up to this batch's
		 * next read. */
		uint64_t from = block_offset(blk, cols[k]), to = from + block_length(blk, cols[k]);
		for (next = k + 1; next < ncols && block_offset(blk, cols[next]) == to; next++)
			to += block_length(blk, cols[next]);
		unsigned char *span;
		for (size_t j = k; j < next; j++)
			if (out->cols[j].type != t->spec.cols[cols[j]].type)
				vec_retype(&out->cols[j], t->spec.cols[cols[j]].type);
		if ((error = column_fetch(t->fd, from, to - from, &out->cols[k], &span)) < 0)
			goto failed;
		for (size_t j = k; j < next; j++) {
			int c = cols[j];
			if ((error = column_decode(span + (block_offset(blk, c) - from), block_length(blk, c), blk->rows,
			                           block_stats(blk, c)->nulls > 0, &out->cols[j])) < 0)
				goto failed;
		}
	}
	out->nrows = blk->rows;
	return 0;
failed:
	error_prefix("%s, partition %s: ", t->spec.name, *part->id ? part->id : "(all)");
	return error;
}

int table_read_range(struct table *t, size_t partition, size_t block, int col, int64_t lo, int64_t hi,
                     uint8_t *pass, struct vec *out)
{
	int error = 0, packed;
	unsigned char *chunk;
	if (partition >= t->npartitions || block >= t->partitions[partition].nblocks)
		return error_set("reading %s: no block %zu in partition %zu", t->spec.name, block, partition);
	if ((error = load_read_columns(t, partition, &col, 1)) < 0 || (error = open_data(t)) < 0)
		return error;
	const struct partition *part = &t->partitions[partition];
	const struct block *blk = &part->blocks[block];
	if ((error = check_chunk(t, part, blk, col)) < 0)
		return error;
	uint64_t len = block_length(blk, col);
	uint32_t rows = blk->rows;
	bool has_nulls = block_stats(blk, col)->nulls > 0;
	if (out->type != t->spec.cols[col].type)
		vec_retype(out, t->spec.cols[col].type);
	/* a packed chunk is checked on its stored deltas, and decoded only
	 * when a row passes */
	if ((error = column_fetch(t->fd, block_offset(blk, col), len, out, &chunk)) < 0)
		goto failed;
	packed = column_range_rows(chunk, len, rows, has_nulls, out->type, lo, hi, pass);
	if (packed && !memchr(pass, 1, rows))
		return 0;
	if ((error = column_decode(chunk, len, rows, has_nulls, out)) < 0)
		goto failed;
	if (!packed) {
		uint64_t width = (uint64_t)hi - (uint64_t)lo;
		if (out->type == TYPE_DATE)
			for (uint32_t i = 0; i < rows; i++)
				pass[i] &= (uint8_t)(!out->nulls[i] &
				                     ((uint64_t)(int64_t)out->days[i] - (uint64_t)lo <= width));
		else
			for (uint32_t i = 0; i < rows; i++)
				pass[i] &= (uint8_t)(!out->nulls[i] & ((uint64_t)out->i64[i] - (uint64_t)lo <= width));
	}
	return 0;
failed:
	error_prefix("%s, partition %s: ", t->spec.name, *part->id ? part->id : "(all)");
	return error;
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
	/* at[k]: where the k-th "__" of name starts; dir[k]: the table dir
	 * of the name's prefix up to it (NULL: none), each found once from
	 * the shorter ones: searched anew from each separator, a name of
	 * many "__" cost twice as much a separator */
	size_t n = 0, cap = 0, *at = NULL;
	for (const char *sep = strstr(name, "__"); sep; sep = strstr(sep + 2, "__")) {
		grow_array(&at, &cap, n + 2, sizeof *at);
		at[n++] = (size_t)(sep - name);
	}
	grow_array(&at, &cap, n + 2, sizeof *at);
	at[n] = strlen(name); /* the whole name last */
	char **dir = xcalloc(n + 1, sizeof *dir), *found = NULL;
	for (size_t k = 0; k <= n; k++) {
		char *prefix = xstrndup(name, at[k]);
		char *d = path_join(root, prefix);
		if (!is_table_dir(d)) {
			free(d);
			d = NULL;
			for (size_t j = 0; j < k && !d; j++) {
				if (!dir[j])
					continue;
				d = path_join(dir[j], prefix);
				if (!is_table_dir(d)) {
					free(d);
					d = NULL;
				}
			}
		}
		free(prefix);
		dir[k] = d;
	}
	found = dir[n];
	for (size_t k = 0; k < n; k++)
		free(dir[k]);
	free(dir);
	free(at);
	return found;
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
		buf_printf(out, "%-*s  %s%s\n", (int)width, s->cols[i].name, type_name(s->cols[i].type),
			   table_spec_not_null(s, s->cols[i].name) ? " NOT NULL" : "");
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
