/* sql_lex: GoogleSQL text -> tokens, each with its line and column. */
#ifndef PIPE_SQL_LEX_H
#define PIPE_SQL_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sql_tok {
	TK_EOF,
	TK_IDENT,    /* name; text holds it as written (backticks removed) */
	TK_KEYWORD,  /* a reserved word; text holds it upper-cased */
	TK_INT,
	TK_FLOAT,
	TK_STRING,   /* text holds the decoded value */
	TK_OP,       /* punctuation and operators; text holds it: "<=", "(" */
};

struct sql_token {
	enum sql_tok kind;
	char *text;
	bool quoted;   /* a `backticked` identifier: never a keyword */
	int line, col; /* 1-based */
};

struct sql_tokens {
	struct sql_token *v;
	size_t n;
	const char *src; /* the statement, for error carets */
};

/* BigQuery's longest query, in characters: a longer one is refused before
 * it is split into tokens. */
#define SQL_MAX_QUERY_CHARS (1024 * 1024)

int sql_lex(const char *src, struct sql_tokens *out);
void sql_tokens_free(struct sql_tokens *t);
bool sql_is_reserved(const char *word);
/* Sets the error "msg at [line:col]" followed by the line and a caret. */
int sql_error_at(const char *src, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
