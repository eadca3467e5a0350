/* pipefile: .pipe files -> targets, attributes and vars.
 *
 * The format, in short (docs/pipe-file.md is the full description):
 *
 *   # a comment: a line whose first non-blank is '#'
 *   var NAME = value             a variable, at column 1
 *   KIND NAME: DEP DEP ...       a target, at column 1; ": DEPS" is optional
 *     key = value                an attribute of the target above, indented
 *       more value               continues the value: indented deeper than key
 *     key = @path                the value is the content of path
 *
 * ${NAME} expands to var NAME; when no var has that name it stays as written
 * (an environment reference the kind resolves at run time).
 *
 * Speed matters: a no-op build parses every target.  Each file is read once
 * and walked with pointers; the line after a value is looked at twice (to
 * see whether it continues the value), every other line once.  Positions
 * are counted as we go, never searched for afterwards.  What the pipefile
 * points to lives in an arena: a few large blocks instead of a malloc per
 * string. */
#include "pipefile.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cron.h"
#include "kind.h"
#include "retry.h"

/* A var may use a var that uses another, at most this deep: each level is
 * a call, and a chain of 200,000 vars overflowed the stack. */
#define MAX_VAR_DEPTH 100
/* The most bytes one expansion makes: vars that each use the last one
 * twice double at every step (var b = ${a}${a}, c = ${b}${b}, ...). */
#define MAX_EXPANSION (16u << 20)

static const char command_line[] = "command line";

/* A "did you mean": the closest candidate within 2 edits, else one the word
 * is a prefix of. */
struct suggestion {
	const char *word, *best;
	int score;
};

static void suggest(struct suggestion *s, const char *candidate)
{
	int d = edit_distance(s->word, candidate);
	if (d > 2)
		d = *s->word && str_starts(candidate, s->word) ? 3 : INT_MAX;
	if (d < s->score && d != INT_MAX) {
		s->best = candidate;
		s->score = d;
	}
}

static void add_did_you_mean(struct buf *b, const struct suggestion *s)
{
	if (s->best)
		buf_printf(b, ", did you mean '%s'?", s->best);
}

/* The loader's state while it reads the files of one pipefile. */
struct loader {
	struct pipefile *pf;
	size_t vcap;            /* capacity of pf->vars */
	/* The current target's attributes, moved into the arena when it ends. */
	struct attr *attrs;
	size_t nattrs, acap;
	const char *file;       /* in pf->files */
	const char *p, *end;    /* what is left of the text */
	int line;               /* of the line last taken */
	long cur;               /* the target attributes go to, or -1 */
	bool after_var;         /* a var line ended the last target */
	struct strmap vars;     /* var name -> its index + 1, filled after parsing */
	unsigned char *var_state; /* 0 unexpanded, 1 expanding, 2 expanded */
	size_t *var_stack, var_depth;
};

static bool is_blank(char c) { return c == ' ' || c == '\t'; }
static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }
static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static bool valid_target_name(const char *s, size_t n)
{
	if (!n || !(is_alpha(s[0]) || s[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!(is_alpha(s[i]) || is_digit(s[i]) || s[i] == '_' || s[i] == '-' || s[i] == '.'))
			return false;
	return true;
}

static bool valid_var_name(const char *s, size_t n)
{
	if (!n || !(is_alpha(s[0]) || s[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!(is_alpha(s[i]) || is_digit(s[i]) || s[i] == '_'))
			return false;
	return true;
}

static bool valid_key(const char *s, size_t n)
{
	if (!n || !((s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || is_digit(s[i]) || s[i] == '_'))
			return false;
	return true;
}

static struct pos pos_at(const struct loader *ld, const char *line, const char *at)
{
	struct pos p = {ld->file, ld->line, (int)(at - line) + 1};
	return p;
}

/* Every "${" must close on its line: a "}" further down is far more likely
 * a mistake than a name spanning lines.  "$$" belongs to the kinds (a shell
 * reads it as its pid), so "$${" is not a reference. */
static int check_braces(const char *s, const char *e, const struct pos *at)
{
	for (const char *c = s; c + 1 < e; c++) {
		if (*c != '$')
			continue;
		if (c[1] == '$') {
			c++;
		} else if (c[1] == '{' && !memchr(c + 2, '}', (size_t)(e - c - 2))) {
			struct pos p = *at;
			p.col += (int)(c - s);
			return error_at(&p, "unterminated '${' (no '}' on this line)");
		}
	}
	return 0;
}

/* The index of the kind called s in kinds[], or -1. */
static int find_kind(const char *s, size_t n)
{
	for (int i = 0; kinds[i]; i++)
		if (strlen(kinds[i]->name) == n && !memcmp(kinds[i]->name, s, n))
			return i;
	return -1;
}

static void kind_list(struct buf *b)
{
	for (size_t i = 0; kinds[i]; i++)
		buf_printf(b, "%s%s", i ? ", " : "", kinds[i]->name);
}

static int finish_target(struct loader *ld)
{
	struct target *t;
	if (ld->cur < 0)
		return 0;
	t = &ld->pf->targets[ld->cur];
	ld->cur = -1;
	t->nattrs = ld->nattrs;
	if (ld->nattrs) {
		t->attrs = arena_alloc(&ld->pf->arena, ld->nattrs * sizeof(*t->attrs));
		memcpy(t->attrs, ld->attrs, ld->nattrs * sizeof(*t->attrs));
	}
	ld->nattrs = 0;
	for (size_t i = 0; t->kind->required && t->kind->required[i]; i++)
		if (!target_attr(t, t->kind->required[i]))
			return error_at(&t->pos, "%s target '%s' needs key '%s'", t->kind->name, t->name,
			                t->kind->required[i]);
	return 0;
}

static int parse_var(struct loader *ld, const char *line, const char *s, const char *e)
{
	struct pipefile *pf = ld->pf;
	const char *name, *nend, *v;
	struct var *var;
	int error;
	while (s < e && is_blank(*s))
		s++;
	name = s;
	while (s < e && !is_blank(*s) && *s != '=')
		s++;
	nend = s;
	if (s == name)
		return error_at(&(struct pos){ld->file, ld->line, (int)(name - line) + 1},
		                "expected a variable name: var NAME = value");
	if (!valid_var_name(name, (size_t)(s - name)))
		return error_at(&(struct pos){ld->file, ld->line, (int)(name - line) + 1},
		                "bad variable name '%.*s': use letters, digits and _, not starting with a digit",
		                (int)(s - name), name);
	while (s < e && is_blank(*s))
		s++;
	if (s == e || *s != '=')
		return error_at(&(struct pos){ld->file, ld->line, (int)(s - line) + 1},
		                "expected '=' after 'var %.*s'", (int)(nend - name), name);
	for (v = s + 1; v < e && is_blank(*v); v++)
		;
	struct pos vpos = pos_at(ld, line, v);
	if ((error = check_braces(v, e, &vpos)) < 0 || (error = finish_target(ld)) < 0)
		return error;
	grow_array(&pf->vars, &ld->vcap, pf->nvars + 1, sizeof(*pf->vars));
	var = &pf->vars[pf->nvars++];
	var->name = arena_strndup(&pf->arena, name, (size_t)(nend - name));
	var->value = arena_strndup(&pf->arena, v, (size_t)(e - v));
	var->pos = pos_at(ld, line, line);
	var->from_command_line = false;
	return 0;
}

/* Reads a target line: KIND NAME, optionally followed by ": DEP DEP ...". */
static int parse_target(struct loader *ld, const char *line, const char *e)
{
	struct pipefile *pf = ld->pf;
	const char *kw = line, *kend, *name, *nend, *s;
	struct target *t;
	struct buf b = BUF_INIT;
	size_t ndeps = 0;
	long ndefined;
	int error = 0, ki;

	for (s = kw; s < e && !is_blank(*s) && *s != ':' && *s != '='; s++)
		;
	kend = s;
	while (s < e && is_blank(*s))
		s++;
	if (kend - kw == 3 && !memcmp(kw, "var", 3) && s > kend && s < e && *s != '=')
		return parse_var(ld, line, s, e);
	if (kend == kw || (s < e && *s == '='))
		return error_at(&(struct pos){ld->file, ld->line, 1},
		                "expected 'KIND NAME: DEPS' or 'var NAME = value' here; "
		                "an attribute 'key = value' goes indented under its target");
	if (s < e && *s == ':') {
		kind_list(&b);
		error = error_at(&(struct pos){ld->file, ld->line, 1},
		                 "missing kind before target '%.*s': write KIND NAME: DEPS (kinds: %s)",
		                 (int)(kend - kw), kw, b.data);
		goto done;
	}
	if (s == e) {
		if (find_kind(kw, (size_t)(kend - kw)) >= 0)
			return error_at(&(struct pos){ld->file, ld->line, (int)(kend - line) + 1},
			                "missing target name after '%.*s'", (int)(kend - kw), kw);
		return error_at(&(struct pos){ld->file, ld->line, 1},
		                "expected 'KIND NAME: DEPS' or 'var NAME = value' here");
	}
	name = s;
	while (s < e && !is_blank(*s) && *s != ':')
		s++;
	nend = s;
	if ((ki = find_kind(kw, (size_t)(kend - kw))) < 0) {
		char *word = xstrndup(kw, (size_t)(kend - kw));
		struct suggestion sg = {word, NULL, INT_MAX};
		for (size_t i = 0; kinds[i]; i++)
			suggest(&sg, kinds[i]->name);
		buf_printf(&b, "unknown kind '%s'", word);
		if (sg.best) {
			add_did_you_mean(&b, &sg);
		} else {
			buf_puts(&b, " (kinds: ");
			kind_list(&b);
			buf_putc(&b, ')');
		}
		error = error_at(&(struct pos){ld->file, ld->line, 1}, "%s", b.data);
		free(word);
		goto done;
	}
	if (!valid_target_name(name, (size_t)(nend - name))) {
		error = error_at(&(struct pos){ld->file, ld->line, (int)(name - line) + 1},
		                 "bad target name '%.*s': use letters, digits, _, - and ., "
		                 "starting with a letter or _", (int)(nend - name), name);
		goto done;
	}
	while (s < e && is_blank(*s))
		s++;
	if (s < e && *s != ':') {
		error = error_at(&(struct pos){ld->file, ld->line, (int)(s - line) + 1},
		                 "expected ':' before the dependencies of '%.*s'", (int)(nend - name), name);
		goto done;
	}
	if ((error = finish_target(ld)) < 0)
		goto done;
	if (s < e)
		s++;
	for (const char *c = s; c < e; ndeps++) {
		while (c < e && is_blank(*c))
			c++;
		if (c == e)
			break;
		while (c < e && !is_blank(*c))
			c++;
	}

	/* pf->targets was sized for every file before parsing (count_heads), so
	 * the pointers by_name holds stay put. */
	t = &pf->targets[pf->ntargets];
	memset(t, 0, sizeof(*t));
	t->name = arena_strndup(&pf->arena, name, (size_t)(nend - name));
	t->kind = kinds[ki];
	t->pos = pos_at(ld, line, line);
	if ((ndefined = target_names_add(&pf->by_name, pf->targets, pf->ntargets)) >= 0) {
		const struct target *first = &pf->targets[ndefined];
		error = error_at(&t->pos, "duplicate target '%s' (first defined at %s:%d:%d)",
		                 t->name, first->pos.file, first->pos.line, first->pos.col);
		goto done;
	}
	if (ndeps)
		t->deps = arena_alloc(&pf->arena, ndeps * sizeof(*t->deps));
	while (t->ndeps < ndeps) {
		const char *d;
		while (is_blank(*s))
			s++;
		for (d = s; s < e && !is_blank(*s); s++)
			;
		t->deps[t->ndeps].name = arena_strndup(&pf->arena, d, (size_t)(s - d));
		t->deps[t->ndeps].pos = pos_at(ld, line, d);
		t->ndeps++;
	}
	ld->cur = (long)pf->ntargets++;
	ld->after_var = false;
done:
	buf_free(&b);
	return error;
}

/* A snapshot has its own retries, retry_delay and timeout (per request). */
static bool kind_has_key_only(const struct kind *k, const char *key)
{
	for (size_t i = 0; k->keys && k->keys[i]; i++)
		if (!strcmp(k->keys[i], key))
			return true;
	return false;
}

static bool kind_has_key(const struct kind *k, const char *key)
{
	return kind_has_key_only(k, key) || target_engine_key(key);
}

static int unknown_key(const struct target *t, const char *key, const struct pos *pos)
{
	struct buf b = BUF_INIT;
	struct suggestion sg = {key, NULL, INT_MAX};
	const char *const *lists[2] = {t->kind->keys, target_engine_keys};
	int error;
	for (int l = 0; l < 2; l++)
		for (size_t i = 0; lists[l] && lists[l][i]; i++)
			suggest(&sg, lists[l][i]);
	buf_printf(&b, "unknown key '%s' for a %s target", key, t->kind->name);
	if (sg.best) {
		add_did_you_mean(&b, &sg);
	} else {
		const char *sep = " (keys: ";
		for (int l = 0; l < 2; l++)
			for (size_t i = 0; lists[l] && lists[l][i]; i++, sep = ", ")
				if (l == 0 || !kind_has_key_only(t->kind, lists[l][i]))
					buf_printf(&b, "%s%s", sep, lists[l][i]);
		buf_putc(&b, ')');
	}
	error = error_at(pos, "%s", b.data);
	buf_free(&b);
	return error;
}

/* Reads "key = value" at s (indented) and the lines that continue it. */
static int parse_attr(struct loader *ld, const char *line, const char *s, const char *e)
{
	struct pipefile *pf = ld->pf;
	struct target *t;
	struct attr *a;
	const char *key = s, *kend, *v, *q, *cont_start, *cont_end;
	char *k;
	struct pos kpos = pos_at(ld, line, s), vpos;
	size_t indent = (size_t)(s - line), strip = SIZE_MAX;
	int error;
	bool started;
	struct buf value = BUF_INIT;

	while (s < e && !is_blank(*s) && *s != '=')
		s++;
	kend = s;
	if (ld->cur < 0) {
		if (ld->after_var)
			return error_at(&kpos, "attribute '%.*s' after a var line: attributes go "
			                "right under their target's line", (int)(kend - key), key);
		return error_at(&kpos, "attribute '%.*s' before any target", (int)(kend - key), key);
	}
	t = &pf->targets[ld->cur];
	if (kend == key)
		return error_at(&kpos, "missing key before '='");
	while (s < e && is_blank(*s))
		s++;
	if (s == e || *s != '=')
		return error_at(&kpos, "missing '=' after '%.*s': an attribute is key = value",
		                (int)(kend - key), key);
	if (!valid_key(key, (size_t)(kend - key)))
		return error_at(&kpos, "bad key '%.*s': use lowercase letters, digits and _",
		                (int)(kend - key), key);
	for (v = s + 1; v < e && is_blank(*v); v++)
		;
	vpos = pos_at(ld, line, v);

	/* Which lines continue the value: those indented deeper than the key,
	 * and blank lines between them.  Their common indentation goes. */
	cont_start = cont_end = q = ld->p;
	while (q < ld->end) {
		const char *l = q, *le = memchr(q, '\n', (size_t)(ld->end - q)), *c;
		q = le ? le + 1 : ld->end;
		if (!le)
			le = ld->end;
		for (c = l; c < le && is_blank(*c); c++)
			;
		while (le > c && is_space(le[-1]))
			le--;
		if (c == le)
			continue;
		if ((size_t)(c - l) <= indent)
			break;
		if ((size_t)(c - l) < strip)
			strip = (size_t)(c - l);
		cont_end = q;
	}

	if ((error = check_braces(v, e, &vpos)) < 0)
		goto done;
	if (cont_end > cont_start) {
		started = e > v;
		buf_add(&value, v, (size_t)(e - v));
		for (q = cont_start; q < cont_end;) {
			const char *l = q, *le = memchr(q, '\n', (size_t)(cont_end - q));
			struct pos lpos;
			q = le ? le + 1 : cont_end;
			if (!le)
				le = cont_end;
			while (le > l && is_space(le[-1]))
				le--;
			ld->line++;
			if (started)
				buf_putc(&value, '\n');
			if (le == l)
				continue; /* a blank line */
			lpos = pos_at(ld, l, l + strip);
			if (!started)
				vpos = lpos;
			started = true;
			if ((error = check_braces(l + strip, le, &lpos)) < 0)
				goto done;
			buf_add(&value, l + strip, (size_t)(le - l - strip));
		}
		ld->p = cont_end;
	} else if (e - v == 1 && *v == '@') {
		error = error_at(&vpos, "missing path after '@'");
		goto done;
	}

	k = arena_strndup(&pf->arena, key, (size_t)(kend - key));
	if (!kind_has_key(t->kind, k)) {
		error = unknown_key(t, k, &kpos);
		goto done;
	}
	for (size_t i = 0; i < ld->nattrs; i++) {
		if (!strcmp(ld->attrs[i].key, k)) {
			error = error_at(&kpos, "key '%s' set twice (first at line %d)", k, ld->attrs[i].pos.line);
			goto done;
		}
	}
	grow_array(&ld->attrs, &ld->acap, ld->nattrs + 1, sizeof(*ld->attrs));
	a = &ld->attrs[ld->nattrs++];
	a->key = k;
	a->pos = kpos;
	a->value_pos = vpos;
	a->at_path = NULL;
	if (cont_end > cont_start) {
		a->value = arena_strndup(&pf->arena, buf_cstr(&value), value.len);
	} else if (e - v > 1 && v[0] == '@' && v[1] == '@') {
		a->value = arena_strndup(&pf->arena, v + 1, (size_t)(e - v - 1)); /* one literal '@' */
	} else if (e > v && *v == '@') {
		for (v++; v < e && is_blank(*v); v++)
			;
		a->at_path = arena_strndup(&pf->arena, v, (size_t)(e - v));
		a->value = NULL; /* read once every var is known */
	} else {
		a->value = arena_strndup(&pf->arena, v, (size_t)(e - v));
	}
done:
	buf_free(&value);
	return error;
}

static int parse_text(struct loader *ld, const char *text, size_t len)
{
	int error = 0;
	ld->p = text;
	ld->end = text + len;
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		ld->p += 3; /* a UTF-8 byte order mark, as some editors write */
	ld->line = 0;
	ld->cur = -1;
	ld->after_var = false;
	while (ld->p < ld->end) {
		const char *line = ld->p, *eol = memchr(line, '\n', (size_t)(ld->end - line)), *e, *s;
		ld->p = eol ? eol + 1 : ld->end;
		e = eol ? eol : ld->end;
		ld->line++;
		while (e > line && is_space(e[-1]))
			e--;
		for (s = line; s < e && is_blank(*s); s++)
			;
		if (s == e || *s == '#')
			continue;
		if (s > line) {
			error = parse_attr(ld, line, s, e);
		} else {
			error = parse_target(ld, line, e);
			if (!error && ld->cur < 0)
				ld->after_var = true;
		}
		if (error < 0)
			break;
	}
	if (!error)
		error = finish_target(ld);
	return error;
}

/* Vars are looked up by name through ld->vars, which maps to index + 1:
 * the array moves while command-line overrides are added. */
static long var_index(const struct loader *ld, const char *name, size_t n)
{
	char small[128], *key;
	void *v;
	if (!valid_var_name(name, n))
		return -1;
	key = n < sizeof(small) ? small : xmalloc(n + 1);
	memcpy(key, name, n);
	key[n] = '\0';
	v = strmap_get(&ld->vars, key);
	if (key != small)
		free(key);
	return v ? (long)(uintptr_t)v - 1 : -1;
}

static int resolve_var(struct loader *ld, size_t i);

/* Appends s to out with each ${NAME} that names a var replaced by its
 * value.  Everything else, "$$", "$in" and ${ENV} included, is copied. */
static int expand(struct loader *ld, const char *s, struct buf *out)
{
	const char *p = s, *q, *close;
	int error;
	while ((q = strchr(p, '$'))) {
		long i;
		buf_add(out, p, (size_t)(q - p));
		p = q + 1;
		if (q[1] == '$') {
			buf_add(out, "$$", 2);
			p = q + 2;
			continue;
		}
		if (q[1] != '{' || !(close = strchr(q + 2, '}')) ||
		    (i = var_index(ld, q + 2, (size_t)(close - q - 2))) < 0) {
			buf_putc(out, '$');
			continue;
		}
		if ((error = resolve_var(ld, (size_t)i)) < 0)
			return error;
		buf_puts(out, ld->pf->vars[i].value);
		p = close + 1;
		if (out->len > MAX_EXPANSION)
			return error_at(&ld->pf->vars[i].pos, "var %s: its uses expand to more than %u MiB",
			                ld->pf->vars[i].name, MAX_EXPANSION >> 20);
	}
	buf_puts(out, p);
	return 0;
}

static int var_cycle(struct loader *ld, size_t i)
{
	struct pipefile *pf = ld->pf;
	struct buf b = BUF_INIT;
	size_t k = 0;
	int error;
	while (ld->var_stack[k] != i)
		k++;
	for (; k < ld->var_depth; k++)
		buf_printf(&b, "%s -> ", pf->vars[ld->var_stack[k]].name);
	buf_puts(&b, pf->vars[i].name);
	error = error_at(&pf->vars[i].pos, "variable cycle: %s", b.data);
	buf_free(&b);
	return error;
}

/* Vars may use vars defined before or after them, so each is expanded on
 * first use; one met again while it is being expanded closes a cycle. */
static int resolve_var(struct loader *ld, size_t i)
{
	struct var *v = &ld->pf->vars[i];
	struct buf b = BUF_INIT;
	int error;
	if (ld->var_state[i] == 2)
		return 0;
	if (ld->var_state[i] == 1)
		return var_cycle(ld, i);
	if (!strstr(v->value, "${")) {
		ld->var_state[i] = 2;
		return 0;
	}
	if (ld->var_depth >= MAX_VAR_DEPTH)
		return error_at(&v->pos, "var %s: vars used in vars more than %d deep", v->name, MAX_VAR_DEPTH);
	ld->var_state[i] = 1;
	ld->var_stack[ld->var_depth++] = i;
	error = expand(ld, v->value, &b);
	ld->var_depth--;
	if (error < 0) {
		buf_free(&b);
		return error;
	}
	v->value = arena_strdup(&ld->pf->arena, buf_cstr(&b));
	buf_free(&b);
	ld->var_state[i] = 2;
	return 0;
}

static int add_vars(struct loader *ld, const char *const *overrides, size_t noverrides)
{
	struct pipefile *pf = ld->pf;
	int error;
	for (size_t i = 0; i < pf->nvars; i++) {
		long first = var_index(ld, pf->vars[i].name, strlen(pf->vars[i].name));
		if (first >= 0) {
			const struct pos *fp = &pf->vars[first].pos;
			return error_at(&pf->vars[i].pos, "var '%s' defined twice (first at %s:%d:%d)",
			                pf->vars[i].name, fp->file, fp->line, fp->col);
		}
		strmap_put(&ld->vars, pf->vars[i].name, (void *)(uintptr_t)(i + 1));
	}
	for (size_t i = 0; i < noverrides; i++) {
		const char *w = overrides[i], *eq = strchr(w, '=');
		struct pos pos = {command_line, 0, 0};
		struct var *v;
		long at;
		if (!eq || !valid_var_name(w, (size_t)(eq - w)))
			return error_at(&pos, "bad variable override '%s': write NAME=value", w);
		if ((error = check_braces(eq + 1, eq + strlen(eq), &pos)) < 0)
			return error;
		if ((at = var_index(ld, w, (size_t)(eq - w))) >= 0) {
			v = &pf->vars[at];
		} else {
			grow_array(&pf->vars, &ld->vcap, pf->nvars + 1, sizeof(*pf->vars));
			v = &pf->vars[pf->nvars++];
			v->name = arena_strndup(&pf->arena, w, (size_t)(eq - w));
			strmap_put(&ld->vars, v->name, (void *)(uintptr_t)pf->nvars);
		}
		v->value = arena_strdup(&pf->arena, eq + 1);
		v->pos = pos;
		v->from_command_line = true;
	}
	ld->var_state = xcalloc(pf->nvars + 1, 1);
	ld->var_stack = xcalloc(pf->nvars + 1, sizeof(*ld->var_stack));
	for (size_t i = 0; i < pf->nvars; i++)
		if ((error = resolve_var(ld, i)) < 0)
			return error;
	return 0;
}

static int expand_in_place(struct loader *ld, char **s)
{
	struct buf b = BUF_INIT;
	int error;
	if (!ld->pf->nvars || !strstr(*s, "${"))
		return 0;
	if ((error = expand(ld, *s, &b)) < 0) {
		buf_free(&b);
		return error;
	}
	*s = arena_strdup(&ld->pf->arena, buf_cstr(&b));
	buf_free(&b);
	return 0;
}

static int read_at_file(struct loader *ld, struct attr *a)
{
	struct buf text = BUF_INIT;
	int error, line = 1;
	if ((error = expand_in_place(ld, &a->at_path)) < 0)
		return error;
	if (file_read(a->at_path, &text) < 0) {
		char *why = xstrdup(error_last());
		error = error_at(&a->value_pos, "cannot read @%s", why);
		free(why);
		goto done;
	}
	a->value = arena_strndup(&ld->pf->arena, buf_cstr(&text), text.len);
	for (const char *l = a->value; *l; line++) {
		const char *e = strchr(l, '\n');
		struct pos pos = {a->at_path, line, 1};
		if (!e)
			e = l + strlen(l);
		if ((error = check_braces(l, e, &pos)) < 0)
			goto done;
		l = *e ? e + 1 : e;
	}
done:
	buf_free(&text);
	return error;
}

/* A file: URL the kind reads (a snapshot's url) is a file dependency of the
 * target: it goes stale when the file changes, and a missing file is said
 * before anything is built.  file:PATH is relative to the project root,
 * file:///PATH absolute; a ${NAME} read at run time cannot be known here. */
static void add_file_url_dep(struct loader *ld, struct target *t)
{
	const struct attr *a = target_attr(t, t->kind->file_url_key);
	const char *path;
	struct dep *deps;
	if (!a || !a->value || !str_starts(a->value, "file:") || strstr(a->value, "${"))
		return;
	path = a->value + 5;
	if (str_starts(path, "//")) {
		if (path[2] != '/')
			return; /* file://host/...: not a local path */
		path += 2;
	}
	if (!*path)
		return;
	for (size_t j = 0; j < t->ndeps; j++)
		if (!strcmp(t->deps[j].name, path))
			return;
	deps = arena_alloc(&ld->pf->arena, (t->ndeps + 1) * sizeof(*deps));
	if (t->ndeps)
		memcpy(deps, t->deps, t->ndeps * sizeof(*deps));
	deps[t->ndeps].name = arena_strdup(&ld->pf->arena, path);
	deps[t->ndeps].pos = a->value_pos;
	t->deps = deps;
	t->ndeps++;
}

/* A schedule: every or cron, tz only beside cron, catchup beside either;
 * and the retries and timeout. */
static int check_schedule(const struct target *t)
{
	const struct attr *every = target_attr(t, "every"), *cron = target_attr(t, "cron");
	const struct attr *tz = target_attr(t, "tz"), *catchup = target_attr(t, "catchup");
	struct cron c;
	char msg[128];
	int col;
	if (every && cron)
		return error_at(&cron->pos, "%s has both every and cron: keep one", t->name);
	if (cron && cron_parse(cron->value, &c, msg, &col) < 0)
		return error_at_value(cron, 1, col, "%s", msg);
	if (tz && !cron)
		return error_at(&tz->pos, "tz without cron: tz names the zone of cron's times");
	if (tz && !cron_tz_valid(tz->value))
		return error_at(&tz->value_pos, "unknown time zone '%s': name one of the TZ "
		                "database, like Europe/Paris or UTC", tz->value);
	if (catchup && strcmp(catchup->value, "last") && strcmp(catchup->value, "all") &&
	    strcmp(catchup->value, "none"))
		return error_at(&catchup->value_pos, "bad catchup '%s': write last, all or none",
		                catchup->value);
	if (catchup && !every && !cron)
		return error_at(&catchup->pos, "catchup without every or cron: catchup says what "
		                "pipe scheduler does with a schedule's missed times");
	return retry_check(t);
}

/* What needs every file read: the names, the vars, the values. */
static int finish(struct loader *ld, const char *const *overrides, size_t noverrides)
{
	struct pipefile *pf = ld->pf;
	int error;
	if ((error = add_vars(ld, overrides, noverrides)) < 0)
		return error;
	for (size_t i = 0; i < pf->ntargets; i++) {
		struct target *t = &pf->targets[i];
		for (size_t j = 0; j < t->ndeps; j++)
			if ((error = expand_in_place(ld, &t->deps[j].name)) < 0)
				return error;
		for (size_t j = 0; j < t->nattrs; j++) {
			struct attr *a = &t->attrs[j];
			if (a->at_path && (error = read_at_file(ld, a)) < 0)
				return error;
			if ((error = expand_in_place(ld, &a->value)) < 0)
				return error;
			if (!strcmp(a->key, "every") && duration_parse(a->value) < 0)
				return error_at(&a->value_pos, "bad duration '%s' for every: write a number "
				                "and a unit, s, m, h, d or w (30m, 1h, 1d)", a->value);
		}
		if ((error = check_schedule(t)) < 0)
			return error;
		if (t->kind && t->kind->file_url_key)
			add_file_url_dep(ld, t);
	}
	return 0;
}

/* An upper bound on the targets in text: its lines that start with
 * neither white space nor '#'. */
static size_t count_heads(const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	size_t n = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		n += *p != ' ' && *p != '\t' && *p != '#' && *p != '\n';
		p = nl ? nl + 1 : end;
	}
	return n;
}

static int load(struct pipefile *pf, struct buf *texts, size_t n,
                const char *const *overrides, size_t noverrides)
{
	struct loader ld = {0};
	size_t heads = 0;
	int error = 0;
	ld.pf = pf;
	for (size_t i = 0; i < n; i++)
		heads += count_heads(buf_cstr(&texts[i]), texts[i].len);
	pf->targets = xmalloc((heads + 1) * sizeof(*pf->targets));
	mem_populate(pf->targets, (heads + 1) * sizeof(*pf->targets));
	target_names_reserve(&pf->by_name, pf->targets, heads);
	for (size_t i = 0; i < n; i++) {
		ld.file = pf->files[i];
		if ((error = parse_text(&ld, buf_cstr(&texts[i]), texts[i].len)) < 0)
			goto done;
	}
	error = finish(&ld, overrides, noverrides);
done:
	strmap_free(&ld.vars);
	free(ld.var_state);
	free(ld.attrs);
	free(ld.var_stack);
	return error;
}

int pipefile_load(struct pipefile *pf, const char *const *paths, size_t npaths,
                  const char *const *overrides, size_t noverrides)
{
	struct buf *texts = xcalloc(npaths + 1, sizeof(*texts));
	int error = 0;
	memset(pf, 0, sizeof(*pf));
	pf->files = xcalloc(npaths + 1, sizeof(*pf->files));
	for (size_t i = 0; i < npaths; i++) {
		pf->files[pf->nfiles++] = xstrdup(paths[i]);
		if (file_read(paths[i], &texts[i]) < 0) {
			char *why = xstrdup(error_last());
			error = error_setcode(PIPE_EUSAGE, "cannot read %s", why);
			free(why);
			goto done;
		}
	}
	error = load(pf, texts, npaths, overrides, noverrides);
done:
	for (size_t i = 0; i < npaths; i++)
		buf_free(&texts[i]);
	free(texts);
	if (error < 0)
		pipefile_free(pf);
	return error;
}

int pipefile_load_string(struct pipefile *pf, const char *name, const char *text,
                         const char *const *overrides, size_t noverrides)
{
	/* A view of text, not a copy: load only reads it. */
	struct buf view = {(char *)text, strlen(text), 0};
	int error;
	memset(pf, 0, sizeof(*pf));
	pf->files = xcalloc(2, sizeof(*pf->files));
	pf->files[pf->nfiles++] = xstrdup(name);
	if ((error = load(pf, &view, 1, overrides, noverrides)) < 0)
		pipefile_free(pf);
	return error;
}

void pipefile_free(struct pipefile *pf)
{
	arena_free(&pf->arena);
	free(pf->targets);
	free(pf->vars);
	for (size_t i = 0; i < pf->nfiles; i++)
		free(pf->files[i]);
	free(pf->files);
	target_names_free(&pf->by_name);
	memset(pf, 0, sizeof(*pf));
}

void pipefile_set_warehouse(struct pipefile *pf, const char *identity)
{
	const char *kept = identity ? arena_strndup(&pf->arena, identity, strlen(identity)) : NULL;
	for (size_t i = 0; i < pf->ntargets; i++)
		if (pf->targets[i].kind && pf->targets[i].kind->warehouse)
			pf->targets[i].warehouse = kept;
}

struct target *pipefile_find(const struct pipefile *pf, const char *name)
{
	long i = target_names_find(&pf->by_name, pf->targets, name);
	return i < 0 ? NULL : &pf->targets[i];
}

/* The profiles file: named sets of var values, one of which a build may
 * choose (docs/pipe-file.md):
 *
 *   # a comment
 *   profile NAME           a profile, at column 1
 *     VAR = value          a var it sets, indented; the value runs to the
 *                          end of the line
 *     warehouse = local    not a var: the warehouse its builds and queries
 *                          use, local or bigquery (backend.h)
 *
 * A profile's values go in before the command line's NAME=value words,
 * which win over them; both win over `var` lines. */
static int profile_line_error(const char *path, int line, const char *at, const char *text,
                              const char *what)
{
	struct pos pos = {path, line, (int)(at - text) + 1};
	return error_at(&pos, "%s", what);
}

int pipefile_profile(const char *path, const char *name, char ***words, size_t *nwords, char **warehouse)
{
	struct buf text = BUF_INIT, names = BUF_INIT;
	size_t cap = 0;
	int error = 0, line = 0;
	bool in_chosen = false, found = false, in_any = false;
	*words = NULL;
	*nwords = 0;
	*warehouse = NULL;
	if ((error = file_read(path, &text)) < 0) {
		char *why = xstrdup(error_last());
		error = error_setcode(PIPE_EUSAGE, "profile %s: cannot read %s", name, why);
		free(why);
		goto done;
	}
	for (char *l = text.len ? text.data : (char *)"", *next; *l; l = next) {
		char *e = strchr(l, '\n'), *s = l, *eq, *nend;
		next = e ? e + 1 : l + strlen(l);
		if (e)
			*e = '\0';
		line++;
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#')
			continue;
		if (s == l) {
			char *n = s + 7;
			if (!str_starts(s, "profile ") && !str_starts(s, "profile\t")) {
				error = profile_line_error(path, line, s, l, "expected 'profile NAME' here, "
				                           "or an indented 'VAR = value' under one");
				goto done;
			}
			n = str_trim(n);
			if (!valid_var_name(n, strlen(n))) {
				error = profile_line_error(path, line, n, l, "bad profile name: use letters, "
				                           "digits and _, not starting with a digit");
				goto done;
			}
			in_any = true;
			in_chosen = !strcmp(n, name);
			found |= in_chosen;
			buf_printf(&names, "%s%s", names.len ? ", " : "", n);
			continue;
		}
		if (!in_any) {
			error = profile_line_error(path, line, s, l, "a var before any 'profile NAME' line");
			goto done;
		}
		for (nend = s; *nend && *nend != '=' && *nend != ' ' && *nend != '\t'; nend++)
			;
		for (eq = nend; *eq == ' ' || *eq == '\t'; eq++)
			;
		if (*eq != '=' || !valid_var_name(s, (size_t)(nend - s))) {
			error = profile_line_error(path, line, s, l, "expected 'VAR = value'");
			goto done;
		}
		if (!in_chosen)
			continue;
		char *value = str_trim(eq + 1);
		struct pos vpos = {path, line, (int)(value - l) + 1};
		if ((error = check_braces(value, value + strlen(value), &vpos)) < 0)
			goto done;
		if (nend - s == 9 && !strncmp(s, "warehouse", 9)) {
			if (strcmp(value, "local") && strcmp(value, "bigquery")) {
				error = error_at(&vpos, "warehouse = %s: expected local or bigquery", value);
				goto done;
			}
			free(*warehouse);
			*warehouse = xstrdup(value);
			continue;
		}
		grow_array(words, &cap, *nwords + 1, sizeof(char *));
		(*words)[(*nwords)++] = xasprintf("%.*s=%s", (int)(nend - s), s, value);
	}
	if (!found)
		error = error_setcode(PIPE_EUSAGE, "%s: no profile named %s (it has: %s)", path, name,
		                      names.len ? buf_cstr(&names) : "none");
done:
	if (error < 0) {
		for (size_t i = 0; i < *nwords; i++)
			free((*words)[i]);
		free(*words);
		*words = NULL;
		*nwords = 0;
		free(*warehouse);
		*warehouse = NULL;
	}
	buf_free(&names);
	buf_free(&text);
	return error;
}
