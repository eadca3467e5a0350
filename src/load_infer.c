/* load_infer: the first pass's work on each value: what it tells about
 * its column's type (observe), and the value on the tape, converted once
 * when its column has a hint (scalar). */
#include "load_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Variant columns, as dlt names them: col__v_text and so on. */
static const char *const variant_suffix[V_COUNT] = {"text", "bigint", "double", "bool", "timestamp", "date"};
static const enum type variant_type[V_COUNT] = {TYPE_STRING, TYPE_INT64, TYPE_FLOAT64, TYPE_BOOL, TYPE_TIMESTAMP, TYPE_DATE};

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
			s = load_cell_text(L, v, &len);
			if (load_convert(L, v, TYPE_FLOAT64, x) < 0)
				goto bad;
			c->seen |= (x->f == floor(x->f) && fabs(x->f) < 9.2e18 && !memchr(s, 'e', len) && !memchr(s, 'E', len))
			                   ? C_INT
			                   : C_FLOAT;
			return 0;
		}
		if (load_convert(L, v, c->hint, x) < 0)
			goto bad;
		if (v->type == JSON_STRING && (c->hint == TYPE_STRING || c->hint == TYPE_JSON) &&
		    (error = load_check_utf8(L, c, v)) < 0)
			return error;
		c->seen |= C_STRING;
		if (!c->fixed && typed_on_tape(c->hint))
			*ev = TAPE_TYPED;
		return 0;
	}
	k = load_cell_class(v);
	if (k == C_STRING && v->type == JSON_STRING && (error = load_check_utf8(L, c, v)) < 0)
		return error;
	if (k == C_FLOAT && v->type != JSON_STRING && load_out_of_range(v->p, v->len))
		return load_range_error(L, c, v->p, v->len, "FLOAT64");
	if (v->type == JSON_INT && k == C_FLOAT && !c->beyond_int64++)
		c->beyond_example = xstrndup(v->p, v->len > 40 ? 40 : v->len);
	if (c->fixed && !load_fits(k, c->type)) {
		int vi = variant_of(k);
		if (L->o->freeze) {
			s = load_cell_text(L, v, &len);
			return load_row_error(L, "column %s is %s in the table, and \"%.*s\" is not: schema = freeze forbids a "
			                 "variant column (schema = evolve adds %s__v_%s)",
			                 c->name, type_name(c->type), len > 80 ? 80 : (int)len, s, c->name,
			                 variant_suffix[vi]);
		}
		if (!c->variant[vi]) {
			char *name = load_short_name(xasprintf("%s__v_%s", c->name, variant_suffix[vi]));
			int error = load_column_new(L, t, name, &c->variant[vi]);
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
	s = load_cell_text(L, v, &len);
	if (load_out_of_range(s, len))
		return load_range_error(L, c, s, len, c->number ? "a number" : type_name(c->hint));
	return load_row_error(L, "column %s: cannot convert \"%.*s\" to %s", c->name, len > 80 ? 80 : (int)len, s,
	                 c->number ? "a number" : type_name(c->hint));
}

int load_scalar(struct loader *L, int node, const struct cell *v)
{
	struct node *n = &L->nodes[node];
	struct ltable *t = &L->tables[n->table];
	if (!n->col && v->type != JSON_NULL) {
		if (L->pass == 2)
			return 0;
		if (L->o->freeze && t->prev && table_column(t->prev, n->name) < 0)
			return load_row_error(L, "new column %s: schema = freeze allows no new columns (schema = evolve adds it)",
			                 n->name);
		int error = load_column_new(L, t, n->name, &n->col);
		if (error < 0)
			return error;
	}
	if (L->pass == 1 && n->col) {
		/* Two keys of one record that normalise to the same name. */
		if (n->col->last_row == t->next_id)
			return load_row_error(L, "two keys become column %s (names are compared after normalising, "
			                 "see docs/staging.md)", n->col->name);
		n->col->last_row = t->next_id;
	}
	if (v->type == JSON_NULL)
		return 0;
	if (L->pass == 2)
		return load_store_value(L, t, n->col, v);
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
