/* load_int: what the loader's files share (load.c, the flow; load_names.c,
 * load_values.c, load_walk.c, load_infer.c, load_tape.c, load_store.c,
 * load_merge.c): the loader's state, and the calls between them.  The hot
 * helpers of both passes are static inline here. */
#ifndef PIPE_LOAD_INT_H
#define PIPE_LOAD_INT_H

#include <stdio.h>

#include "json.h"
#include "load.h"
#include "warehouse/table.h"
#include "warehouse/value.h"

/* The writer double-buffers its rows on large writes: half its default
 * budget keeps a load, its reader thread and its buffers under 64 MB
 * whatever the input's size. */
#define LOAD_WRITER_MEMORY (8u << 20)

/* BigQuery's limits, which a load keeps to (docs/staging.md): objects and
 * arrays nested deeper than LOAD_MAX_NESTING below the record are kept as
 * their JSON text in one STRING column; a flattened name longer than
 * LOAD_MAX_NAME is shortened; a table has at most LOAD_MAX_COLUMNS. */
#define LOAD_MAX_NESTING 15
#define LOAD_MAX_NAME 300
#define LOAD_MAX_COLUMNS 10000

/* Tape events of converted values (the tape: atop load_tape.c). */
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

/* The variant column of a value of class k. */
static inline int variant_of(unsigned k)
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

struct column {
	char *name;
	unsigned seen;   /* C_* seen in this load */
	enum type hint;  /* TYPE_NULL: none */
	bool number;     /* the NUMBER hint: INT64 or FLOAT64 by content */
	bool fixed;      /* the type is the existing table's */
	enum type type;  /* decided after the first pass */
	int pos;         /* index in the table's batch; -1 when never set */
	size_t index;    /* in its table's cols */
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
	/* One pass (load.c): the tape goes to a store thread in memory rather
	 * than to the file, once the schema is decided. */
	bool one_pass;
	bool given_up;       /* the schema changed after it was decided: again, in two passes */
	size_t one_ntables;  /* the tables when the schema was decided */
	int64_t handed;      /* the rows whose tape the store has taken */
	bool walked;         /* the walk has read its last row */
	struct store *store; /* the walk's: the store it feeds, once started */
	struct store *feed;  /* the store's own loader: where its tape comes from */
	char *stage; /* append/merge: where the new rows go first */
	/* The existing table when it matters: append, merge, or a frozen
	 * schema; NULL for a plain replace (the old schema does not bind). */
	const char *prev_dir;
};

/* load_names.c: columns, nodes and tables, made on first sight. */
char *load_short_name(char *name);
int load_column_new(struct loader *L, struct ltable *t, const char *name, struct column **out);
int load_table_new(struct loader *L, const char *name, int parent);
int load_node_get(struct loader *L, int parent, const char *raw, size_t len);

/* load_values.c: a value's class, its conversion, and the errors about a
 * row's values ("file:line:col: row N: ..."). */
const char *load_cell_text(struct loader *L, const struct cell *c, size_t *len);
unsigned load_cell_class(const struct cell *c);
int load_row_error(struct loader *L, const char *fmt, ...) PIPE_PRINTF(2, 3);
int load_check_utf8(struct loader *L, const struct column *c, const struct cell *v);
bool load_out_of_range(const char *p, size_t len);
int load_range_error(struct loader *L, const struct column *c, const char *s, size_t len, const char *type);
int load_convert(struct loader *L, const struct cell *c, enum type t, struct value *out);
bool load_fits(unsigned k, enum type t);

/* load_walk.c: the first pass's reading of every source. */
int load_run_pass(struct loader *L);

/* load_infer.c: a value of a record, observed (first pass) or stored. */
int load_scalar(struct loader *L, int node, const struct cell *v);

/* load_store.c: the second pass, the rows and the writers. */
int load_store_value(struct loader *L, struct ltable *t, struct column *c, const struct cell *v);
int load_flush_rows(struct ltable *t, bool existing);
int load_row_end(struct loader *L, struct ltable *t, int64_t id, int64_t parent_id, int64_t root_id, int64_t idx);
int load_open_writers(struct loader *L, const char *root_dir);
int load_finish_writers(struct loader *L);
int load_replay_beside(struct loader *L);
bool load_column_type(const struct column *c, enum type *type);
int load_store_start(struct loader *L);
int load_store_push(struct loader *L);
bool load_store_pop(struct store *s, struct buf *used, struct buf *chunk);
int load_store_end(struct loader *L, bool abort);

/* load.c: the tape of a one-pass load, handed on (tape_flush). */
int load_hand_tape(struct loader *L);

/* load_merge.c: append and merge outputs, assembled. */
int load_assemble(struct loader *L);

/* load_tape.c: the tape (its format is described there). */
int tape_flush(struct loader *L);
const char *tape_refill(struct loader *L, size_t n);
uint64_t tape_varint_slow(struct loader *L);

/* Room for n more bytes; the caller fills them. */
static inline char *tape_room(struct loader *L, size_t n)
{
	struct buf *b = &L->tape_out;
	char *p;
	if (b->cap - b->len < n + 1)
		buf_grow(b, n + 1);
	p = b->data + b->len;
	b->len += n;
	return p;
}

static inline char *put_varint(char *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (char)(v | 0x80);
		v >>= 7;
	}
	*p++ = (char)v;
	return p;
}

/* Signed numbers as varints: small magnitudes in few bytes. */
static inline uint64_t zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline int64_t unzigzag(uint64_t u)
{
	return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

/* The next n bytes of the tape, or NULL at its end. */
static inline const char *tape_get(struct loader *L, size_t n)
{
	const char *p;
	if (L->tape_len - L->tape_pos < n)
		return tape_refill(L, n);
	p = L->tape_in + L->tape_pos;
	L->tape_pos += n;
	return p;
}

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

/* An event of up to five numbers. */
static inline void tape_event(struct loader *L, char ev, int n, const uint64_t *v)
{
	char *p = tape_room(L, 1 + 10 * (size_t)n), *q = p;
	*q++ = ev;
	for (int i = 0; i < n; i++)
		q = put_varint(q, v[i]);
	L->tape_out.len -= (size_t)(p + 1 + 10 * n - q);
}

static inline void tape_record(struct loader *L)
{
	uint64_t v[2] = {L->src_index, (uint64_t)L->rowno};
	tape_event(L, 'R', 2, v);
}

#endif
