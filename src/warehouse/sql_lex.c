/* sql_lex: GoogleSQL text -> tokens.
 *
 * Identifiers are plain ([A-Za-z_][A-Za-z0-9_]*) or backticked; a backticked
 * name may hold dots (`project.dataset.table`), which the parser splits.
 * Integers are decimal or hex (0x1F); strings are '...' or "..." with
 * backslash escapes, or raw (r'...', for regular expressions) without; comments are --, # and
 * C-style.  Reserved words are BigQuery's list, so that error messages can
 * say "keyword FROM" as BigQuery does. */
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "sql_lex.h"

static const char *const reserved[] = {
	"ALL", "AND", "ANY", "ARRAY", "AS", "ASC", "ASSERT_ROWS_MODIFIED", "AT",
	"BETWEEN", "BY", "CASE", "CAST", "COLLATE", "CONTAINS", "CREATE",
	"CROSS", "CUBE", "CURRENT", "DEFAULT", "DEFINE", "DESC", "DISTINCT",
	"ELSE", "END", "ENUM", "ESCAPE", "EXCEPT", "EXCLUDE", "EXISTS",
	"EXTRACT", "FALSE", "FETCH", "FOLLOWING", "FOR", "FROM", "FULL",
	"GROUP", "GROUPING", "GROUPS", "HASH", "HAVING", "IF", "IGNORE", "IN",
	"INNER", "INTERSECT", "INTERVAL", "INTO", "IS", "JOIN", "LATERAL",
	"LEFT", "LIKE", "LIMIT", "LOOKUP", "MERGE", "NATURAL", "NEW", "NO",
	"NOT", "NULL", "NULLS", "OF", "ON", "OR", "ORDER", "OUTER", "OVER",
	"PARTITION", "PRECEDING", "PROTO", "QUALIFY", "RANGE", "RECURSIVE",
	"RESPECT", "RIGHT", "ROLLUP", "ROWS", "SELECT", "SET", "SOME", "STRUCT",
	"TABLESAMPLE", "THEN", "TO", "TREAT", "TRUE", "UNBOUNDED", "UNION",
	"UNNEST", "USING", "WHEN", "WHERE", "WINDOW", "WITH", "WITHIN",
};

bool sql_is_reserved(const char *word)
{
	for (size_t i = 0; i < sizeof reserved / sizeof *reserved; i++)
		if (str_eq_nocase(word, reserved[i]))
			return true;
	return false;
}

int sql_error_at(const char *src, int line, int col, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	buf_printf(&b, " at [%d:%d]", line, col);
	if (src) {
		const char *p = src;
		for (int l = 1; l < line && *p; p++)
			if (*p == '\n')
				l++;
		size_t n = strcspn(p, "\n");
		buf_putc(&b, '\n');
		buf_add(&b, p, n);
		buf_putc(&b, '\n');
		for (int i = 1; i < col; i++)
			buf_putc(&b, p[i - 1] == '\t' ? '\t' : ' ');
		buf_putc(&b, '^');
	}
	int rc = error_setcode(PIPE_EUSAGE, "%s", buf_cstr(&b));
	buf_free(&b);
	return rc;
}

static void push(struct sql_tokens *t, size_t *cap, enum sql_tok kind, char *text,
		 int line, int col)
{
	grow_array(&t->v, cap, t->n + 1, sizeof *t->v);
	t->v[t->n++] = (struct sql_token){kind, text, false, line, col};
}

/* A string from its quote at *pp; raw (r'...'): backslashes are kept,
 * and a backslash before the quote does not end the string. */
static int lex_string(const char *src, const char **pp, bool raw, int line, int col, char **out)
{
	const char *p = *pp;
	char q = *p++;
	struct buf b = BUF_INIT;
	while (*p != q) {
		if (!*p || *p == '\n') {
			buf_free(&b);
			return sql_error_at(src, line, col, "Syntax error: Unclosed string literal");
		}
		if (raw && *p == '\\' && p[1] && p[1] != '\n') {
			buf_add(&b, p, 2);
			p += 2;
			continue;
		}
		if (*p == '\\' && p[1]) {
			p++;
			char c = *p;
			switch (c) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case '0': c = '\0'; break;
			default: break;
			}
			buf_putc(&b, c);
			p++;
			continue;
		}
		buf_putc(&b, *p++);
	}
	*pp = p + 1;
	buf_puts(&b, "");
	*out = buf_detach(&b);
	return 0;
}

/* BigQuery's limit on a query's length, in characters, comments and
 * white space included: checked before a token is made. */
static int check_length(const char *src)
{
	size_t chars = 0;
	int line = 1, col = 0;
	for (const char *p = src; *p; p++) {
		if (((unsigned char)*p & 0xc0) == 0x80)
			continue;
		col++;
		if (++chars > SQL_MAX_QUERY_CHARS)
			return sql_error_at(NULL, line, col,
					    "The query is too large. The maximum standard SQL query length is "
					    "%.2fK characters, including comments and white space characters",
					    SQL_MAX_QUERY_CHARS / 1024.0);
		if (*p == '\n')
			line++, col = 0;
	}
	return 0;
}

int sql_lex(const char *src, struct sql_tokens *out)
{
	int error = 0;
	size_t cap = 0;
	const char *p = src, *linestart = src;
	int line = 1;
	memset(out, 0, sizeof *out);
	out->src = src;
	if ((error = check_length(src)) < 0)
		return error;
	while (*p) {
		if (*p == '\n') {
			line++;
			linestart = ++p;
			continue;
		}
		if (isspace((unsigned char)*p)) {
			p++;
			continue;
		}
		int col = (int)(p - linestart) + 1;
		if ((p[0] == '-' && p[1] == '-') || p[0] == '#') {
			while (*p && *p != '\n')
				p++;
			continue;
		}
		if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");
			if (!e) {
				error = sql_error_at(src, line, col, "Syntax error: Unclosed comment");
				goto done;
			}
			for (; p < e + 2; p++)
				if (*p == '\n') {
					line++;
					linestart = p + 1;
				}
			continue;
		}
		if ((*p == 'r' || *p == 'R') && (p[1] == '\'' || p[1] == '"')) {
			char *s = NULL;
			p++;
			if ((error = lex_string(src, &p, true, line, col, &s)) < 0)
				goto done;
			push(out, &cap, TK_STRING, s, line, col);
			continue;
		}
		if (isalpha((unsigned char)*p) || *p == '_') {
			const char *s = p;
			while (isalnum((unsigned char)*p) || *p == '_')
				p++;
			char *w = xstrndup(s, (size_t)(p - s));
			if (sql_is_reserved(w)) {
				for (char *c = w; *c; c++)
					*c = (char)toupper((unsigned char)*c);
				push(out, &cap, TK_KEYWORD, w, line, col);
			} else {
				push(out, &cap, TK_IDENT, w, line, col);
			}
			continue;
		}
		if (*p == '`') {
			const char *e = strchr(p + 1, '`');
			if (!e || memchr(p, '\n', (size_t)(e - p))) {
				error = sql_error_at(src, line, col, "Syntax error: Unclosed identifier literal");
				goto done;
			}
			push(out, &cap, TK_IDENT, xstrndup(p + 1, (size_t)(e - p - 1)), line, col);
			out->v[out->n - 1].quoted = true;
			p = e + 1;
			continue;
		}
		if (isdigit((unsigned char)*p) || (*p == '.' && isdigit((unsigned char)p[1]))) {
			const char *s = p;
			bool isfloat = false;
			bool hex = p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && isxdigit((unsigned char)p[2]);
			if (hex)
				for (p += 2; isxdigit((unsigned char)*p); p++)
					;
			while (!hex && isdigit((unsigned char)*p))
				p++;
			if (!hex && *p == '.') {
				isfloat = true;
				p++;
				while (isdigit((unsigned char)*p))
					p++;
			}
			if (!hex && (*p == 'e' || *p == 'E') &&
			    (isdigit((unsigned char)p[1]) ||
			     ((p[1] == '+' || p[1] == '-') && isdigit((unsigned char)p[2])))) {
				isfloat = true;
				p += 2;
				while (isdigit((unsigned char)*p))
					p++;
			}
			if (isalpha((unsigned char)*p) || *p == '_') {
				error = sql_error_at(src, line, col, "Syntax error: Missing whitespace between literal and alias");
				goto done;
			}
			push(out, &cap, isfloat ? TK_FLOAT : TK_INT, xstrndup(s, (size_t)(p - s)), line, col);
			continue;
		}
		if (*p == '\'' || *p == '"') {
			char *s = NULL;
			if ((error = lex_string(src, &p, false, line, col, &s)) < 0)
				goto done;
			push(out, &cap, TK_STRING, s, line, col);
			continue;
		}
		static const char *const two[] = {"<=", ">=", "<>", "!=", "||", "<<", ">>"};
		bool matched = false;
		for (size_t i = 0; i < sizeof two / sizeof *two; i++)
			if (p[0] == two[i][0] && p[1] == two[i][1]) {
				push(out, &cap, TK_OP, xstrndup(p, 2), line, col);
				p += 2;
				matched = true;
				break;
			}
		if (matched)
			continue;
		if (strchr("+-*/%=<>(),.;|&^~[]", *p)) {
			push(out, &cap, TK_OP, xstrndup(p, 1), line, col);
			p++;
			continue;
		}
		error = sql_error_at(src, line, col, "Syntax error: Illegal input character \"%c\"", *p);
		goto done;
	}
	push(out, &cap, TK_EOF, xstrdup(""), line, (int)(p - linestart) + 1);
done:
	if (error < 0)
		sql_tokens_free(out);
	return error;
}

void sql_tokens_free(struct sql_tokens *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].text);
	free(t->v);
	t->v = NULL;
	t->n = 0;
}
