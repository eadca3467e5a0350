#include "t.h"

#include <stdlib.h>

#include "secrets.h"

static const struct attr params = {.key = "params", .value_pos = {"pipelines/a.pipe", 4, 13}};

static void expand_reads_the_environment(void)
{
	struct secrets s = SECRETS_INIT;
	char *out = NULL, *shown = NULL;
	setenv("PIPE_T_TOKEN", "tok_5ecret/+x", 1);
	CHECK_OK(secrets_expand(&s, "app_token=${PIPE_T_TOKEN} $$5 ${PIPE_T_TOKEN}", &params, &out));
	CHECK_STR(out, "app_token=tok_5ecret/+x $5 tok_5ecret/+x");
	/* the value as written and as a query string carries it */
	shown = secrets_redact(&s, "bad token tok_5ecret/+x in ?t=tok_5ecret%2F%2Bx");
	CHECK_STR(shown, "bad token ${PIPE_T_TOKEN} in ?t=${PIPE_T_TOKEN}");
	free(out);
	free(shown);
	secrets_free(&s);
}

/* Only ${NAME} with NAME a C identifier is a reference; $$ is a pair. */
static void expand_leaves_what_is_no_reference(void)
{
	struct secrets s = SECRETS_INIT;
	char *out = NULL;
	setenv("PIPE_T_TOKEN", "tok_5ecret", 1);
	CHECK_OK(secrets_expand(&s, "$in ${1x} ${HOME:-/tmp} ${PIPE_T_TOKEN ${} $${PIPE_T_TOKEN} {cursor} $", &params,
	                        &out));
	CHECK_STR(out, "$in ${1x} ${HOME:-/tmp} ${PIPE_T_TOKEN ${} ${PIPE_T_TOKEN} {cursor} $");
	CHECK_INT(s.n, 0);
	free(out);
	secrets_free(&s);
}

static void expand_unset_is_an_error_at_the_value(void)
{
	struct secrets s = SECRETS_INIT;
	char *out = NULL;
	unsetenv("PIPE_T_UNSET");
	CHECK_INT(secrets_expand(&s, "a=${PIPE_T_UNSET}", &params, &out), PIPE_EUSAGE);
	CHECK(out == NULL);
	CHECK_STR(error_last(), "pipelines/a.pipe:4:13: params uses the environment variable PIPE_T_UNSET, "
	                        "which is not set");
	secrets_free(&s);
}

/* A value of one or two characters is no secret: "1" stays in "10 rows". */
static void short_values_are_left_alone(void)
{
	struct secrets s = SECRETS_INIT;
	char *shown = NULL;
	setenv("PIPE_T_ONE", "1", 1);
	setenv("PIPE_T_TWO", "en", 1);
	setenv("PIPE_T_THREE", "abc", 1);
	secrets_add_refs(&s, "run ${PIPE_T_ONE} ${PIPE_T_TWO} ${PIPE_T_THREE}");
	shown = secrets_redact(&s, "1 of 10 rows sent, abc");
	CHECK_STR(shown, "1 of 10 rows sent, ${PIPE_T_THREE}");
	free(shown);
	secrets_free(&s);
}

/* One pass, left to right: a value found in its own ${NAME} is not
 * replaced again (forever), and a secret that holds another goes whole. */
static void redact_once_longest_first(void)
{
	struct secrets s = SECRETS_INIT;
	char *shown = NULL;
	setenv("API_KEY", "KEY", 1);
	setenv("PIPE_T_LONG", "KEY_and_more", 1);
	secrets_add_refs(&s, "echo ${API_KEY} ${PIPE_T_LONG}");
	shown = secrets_redact(&s, "KEY, KEY_and_more, KEYKEY");
	CHECK_STR(shown, "${API_KEY}, ${PIPE_T_LONG}, ${API_KEY}${API_KEY}");
	free(shown);
	secrets_free(&s);
}

/* What a shell does not expand is not registered: $$ then {NAME}, or an
 * unset variable (the shell gives ""). */
static void refs_registers_what_the_shell_expands(void)
{
	struct secrets s = SECRETS_INIT;
	setenv("PIPE_T_TOKEN", "tok_5ecret", 1);
	unsetenv("PIPE_T_UNSET");
	secrets_add_refs(&s, "echo $${PIPE_T_TOKEN} ${PIPE_T_UNSET} $PIPE_T_TOKEN");
	CHECK_INT(s.n, 0);
	secrets_add_refs(&s, "echo ${PIPE_T_TOKEN} ${PIPE_T_TOKEN}");
	CHECK_INT(s.n, 1);
	secrets_free(&s);
}

/* A token that never was in the environment is redacted as well. */
static void added_secrets_and_errors(void)
{
	struct secrets s = SECRETS_INIT;
	secrets_add(&s, "ya29.a0AfH6SM-token");
	error_set("401 from https://x/?access_token=ya29.a0AfH6SM-token: invalid");
	CHECK_INT(secrets_redact_error(&s, PIPE_EUSAGE), PIPE_EUSAGE);
	CHECK_STR(error_last(), "401 from https://x/?access_token=[secret]: invalid");
	secrets_free(&s);
}

/* A command's output is bytes: a NUL does not end the redaction. */
static void redact_buf_reads_past_nul(void)
{
	struct secrets s = SECRETS_INIT;
	struct buf b = BUF_INIT;
	secrets_add(&s, "tok_5ecret");
	buf_add(&b, "a\0tok_5ecret\0b", 14);
	secrets_redact_buf(&s, &b);
	CHECK_INT(b.len, 12);
	CHECK(!memcmp(b.data, "a\0[secret]\0b", 12));
	buf_free(&b);
	secrets_free(&s);
}

int main(void)
{
	RUN(expand_reads_the_environment);
	RUN(expand_leaves_what_is_no_reference);
	RUN(expand_unset_is_an_error_at_the_value);
	RUN(short_values_are_left_alone);
	RUN(redact_once_longest_first);
	RUN(refs_registers_what_the_shell_expands);
	RUN(added_secrets_and_errors);
	RUN(redact_buf_reads_past_nul);
	T_DONE();
}
