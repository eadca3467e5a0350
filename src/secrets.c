/* secrets: ${NAME} references resolved from the environment, and every
 * secret value redacted from text before it leaves the process.
 *
 * A secret is kept in each form it may take in text: as it is, and
 * URL-encoded as it was sent in a query string (a server's error may echo
 * the request's URL).  Redaction reads the text once, left to right,
 * replacing the longest form that starts at each place: a replacement is
 * never read again, so a value found inside its own ${NAME} cannot make it
 * loop, and a secret that contains another is hidden whole. */
#include "secrets.h"

#include <stdlib.h>
#include <string.h>

#include "http.h"

struct secret {
	char *form;  /* the text to hide */
	size_t len;
	char *shown; /* what takes its place: ${NAME} or [secret] */
};

static void add_form(struct secrets *s, const char *form, const char *shown)
{
	size_t len = strlen(form);
	if (len < SECRETS_MIN_LEN)
		return;
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].len == len && !memcmp(s->v[i].form, form, len))
			return;
	s->v = xrealloc(s->v, (s->n + 1) * sizeof(*s->v));
	s->v[s->n++] = (struct secret){xstrdup(form), len, xstrdup(shown)};
}

static void add_shown_as(struct secrets *s, const char *value, const char *shown)
{
	struct buf escaped = BUF_INIT;
	add_form(s, value, shown);
	http_url_escape(&escaped, value);
	add_form(s, buf_cstr(&escaped), shown);
	buf_free(&escaped);
}

void secrets_add(struct secrets *s, const char *value)
{
	add_shown_as(s, value, "[secret]");
}

static bool name_char(char c, bool first)
{
	return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (!first && c >= '0' && c <= '9');
}

/* The length of the ${NAME} reference at p, 0 when there is none. */
static size_t ref_len(const char *p)
{
	const char *q;
	if (p[0] != '$' || p[1] != '{' || !name_char(p[2], true))
		return 0;
	q = p + 3;
	while (name_char(*q, false))
		q++;
	return *q == '}' ? (size_t)(q - p) + 1 : 0;
}

/* Registers the value of the reference at p (of n bytes) and returns it,
 * NULL when the variable is not set. */
static const char *resolve(struct secrets *s, const char *p, size_t n)
{
	char *name = xstrndup(p + 2, n - 3), *shown = xstrndup(p, n);
	const char *value = getenv(name);
	if (value)
		add_shown_as(s, value, shown);
	free(name);
	free(shown);
	return value;
}

int secrets_expand(struct secrets *s, const char *text, const struct attr *where, char **out)
{
	struct buf b = BUF_INIT;
	const char *p = text, *value;
	size_t n;
	int error = 0;
	*out = NULL;
	while (*p) {
		if (p[0] == '$' && p[1] == '$') {
			buf_putc(&b, '$');
			p += 2;
		} else if ((n = ref_len(p))) {
			if (!(value = resolve(s, p, n))) {
				error = error_at(&where->value_pos, "%s uses the environment variable %.*s, which is "
				                 "not set", where->key, (int)(n - 3), p + 2);
				goto done;
			}
			buf_puts(&b, value);
			p += n;
		} else {
			buf_putc(&b, *p++);
		}
	}
	*out = xstrdup(buf_cstr(&b));
done:
	buf_free(&b);
	return error;
}

void secrets_add_refs(struct secrets *s, const char *text)
{
	size_t n;
	for (const char *p = text; *p;) {
		if (p[0] == '$' && p[1] == '$') {
			p += 2;
		} else if ((n = ref_len(p))) {
			resolve(s, p, n);
			p += n;
		} else {
			p++;
		}
	}
}

static void redact_into(const struct secrets *s, const char *text, size_t len, struct buf *out)
{
	size_t i = 0, plain = 0;
	while (i < len) {
		const struct secret *best = NULL;
		for (size_t k = 0; k < s->n; k++) {
			const struct secret *c = &s->v[k];
			if (c->len <= len - i && text[i] == c->form[0] && (!best || c->len > best->len) &&
			    !memcmp(text + i, c->form, c->len))
				best = c;
		}
		if (!best) {
			i++;
			continue;
		}
		buf_add(out, text + plain, i - plain);
		buf_puts(out, best->shown);
		i += best->len;
		plain = i;
	}
	buf_add(out, text + plain, len - plain);
}

char *secrets_redact(const struct secrets *s, const char *text)
{
	struct buf out = BUF_INIT;
	char *copy;
	redact_into(s, text, strlen(text), &out);
	copy = xstrdup(buf_cstr(&out));
	buf_free(&out);
	return copy;
}

void secrets_redact_buf(const struct secrets *s, struct buf *b)
{
	struct buf out = BUF_INIT;
	if (!s->n || !b->len)
		return;
	redact_into(s, b->data, b->len, &out);
	buf_free(b);
	*b = out;
}

int secrets_redact_error(const struct secrets *s, int error)
{
	char *msg = secrets_redact(s, error_last());
	error_setcode(error, "%s", msg);
	free(msg);
	return error;
}

void secrets_free(struct secrets *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].form);
		free(s->v[i].shown);
	}
	free(s->v);
	s->v = NULL;
	s->n = 0;
}
