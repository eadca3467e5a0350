/* auth: access tokens for Google's APIs (BigQuery), from a service
 * account's key file.  The key signs a JWT, the JWT is exchanged for a token
 * at the key file's token_uri, and the token is kept in memory, never
 * written anywhere and never put in a message (docs/bigquery.md). */
#ifndef PIPE_AUTH_H
#define PIPE_AUTH_H

#include "http.h"

#define AUTH_SCOPE "https://www.googleapis.com/auth/bigquery"
/* The longest an assertion may live: Google refuses exp - iat > 1 h. */
#define AUTH_ASSERTION_SECONDS 3600
/* A token is renewed this long before it expires, so that a request sent
 * with it does not arrive after it. */
#define AUTH_RENEW_SECONDS 60

/* How the token endpoint is reached; zeros take the defaults (60 s, 4
 * retries from 1 s up to 60 s apart, the system's CAs). */
struct auth_options {
	const char *ca_file;
	long timeout_ms;
	int retries; /* -1: none */
	long retry_delay_ms, retry_max_ms;
	http_log_fn log; /* retry notes */
	void *log_arg;
};

struct auth;

/* Reads and checks the key file at key_path; NULL takes the path from
 * GOOGLE_APPLICATION_CREDENTIALS (unset or empty: an error).  A bad file is an error naming the file
 * and the field (file:line:col), never quoting the key.  opt may be NULL. */
int auth_open(struct auth **out, const char *key_path, const struct auth_options *opt);
/* An access token valid for AUTH_RENEW_SECONDS more at least: the one in
 * memory, or a new one from token_uri.  *token is the caller's to free (and
 * not to keep: ask again for each request).  Safe from several threads. */
int auth_token(struct auth *a, char **token);
/* A token the API refused (401: revoked, or its hour over early): when it
 * is still the one in memory it is dropped, so that the next auth_token
 * exchanges anew; several threads refused with the same token cause one
 * exchange. */
void auth_forget(struct auth *a, const char *refused);
const char *auth_account(const struct auth *a); /* client_email, for messages */
void auth_free(struct auth *a);

#endif
