/* secrets: the values that must not leave the process.  A kind resolves its
 * ${NAME} references here and registers any other secret it holds (a key
 * file, an access token); whatever text it logs, stores or reports passes
 * through secrets_redact first.  The rules are in docs/pipe-file.md. */
#ifndef PIPE_SECRETS_H
#define PIPE_SECRETS_H

#include <stddef.h>

#include "target.h"
#include "util.h"

/* A value shorter than this is not a secret: it is left in text as it is.
 * One or two characters ("1", "en") occur in ordinary output everywhere, and
 * replacing them would garble it while hiding nothing a guess would not
 * find. */
enum { SECRETS_MIN_LEN = 3 };

struct secret;
struct secrets {
	struct secret *v;
	size_t n;
};
#define SECRETS_INIT {NULL, 0}

/* Registers a secret that came from elsewhere than ${NAME} (a token): it is
 * redacted as [secret]. */
void secrets_add(struct secrets *s, const char *value);
/* text with each ${NAME} replaced by the environment's value, which is
 * registered as a secret, and $$ by $.  A reference is ${ followed by a
 * letter or _, then letters, digits and _, then }; anything else is copied
 * as written.  An unset variable is an error at where's value: "KEY uses
 * the environment variable NAME, which is not set". */
int secrets_expand(struct secrets *s, const char *text, const struct attr *where, char **out);
/* Registers the value of each ${NAME} reference in text that is set, for
 * text that something else expands (a command's run, read by the shell). */
void secrets_add_refs(struct secrets *s, const char *text);
/* A copy of text with every secret, as written or URL-encoded, replaced by
 * its ${NAME} (or [secret]).  Where two secrets overlap, the longer wins. */
char *secrets_redact(const struct secrets *s, const char *text);
/* The same, in place. */
void secrets_redact_buf(const struct secrets *s, struct buf *b);
/* Replaces the current error message with its redacted copy; returns error. */
int secrets_redact_error(const struct secrets *s, int error);
void secrets_free(struct secrets *s);

#endif
