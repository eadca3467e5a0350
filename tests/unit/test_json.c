#include "json.h"
#include "t.h"

#include <stdlib.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/pipe-test-json-XXXXXX";

static char *write_tmp(const char *name, const char *text)
{
	char *path = path_join(tmpdir, name);
	if (file_write_atomic(path, text, strlen(text)) < 0) {
		free(path);
		return NULL;
	}
	return path;
}

/* Reads every record of text; returns the count, or the error code, and the
 * concatenated value of key "a" of each record in out. */
static int read_all(const char *text, enum json_format fmt, const char *records, struct buf *out)
{
	char *path = write_tmp("in.json", text);
	struct json_reader *r = NULL;
	struct json_doc doc = {0};
	struct buf scratch = BUF_INIT;
	int n = 0, error;
	if ((error = json_reader_open(&r, path, fmt, records)) < 0)
		goto done;
	while ((error = json_reader_next(r, &doc)) > 0) {
		int v = json_get(&doc, 0, "a");
		size_t len;
		if (v >= 0) {
			const char *s = doc.toks[v].type == JSON_STRING ? json_str(&doc, v, &scratch, &len)
			                                                : doc.text + doc.toks[v].start;
			if (doc.toks[v].type != JSON_STRING)
				len = (size_t)(doc.toks[v].end - doc.toks[v].start);
			buf_add(out, s, len);
		}
		buf_putc(out, ';');
		n++;
	}
	if (error == 0)
		error = n;
done:
	json_reader_free(r);
	json_doc_free(&doc);
	buf_free(&scratch);
	free(path);
	return error;
}

static void test_array(void)
{
	struct buf out = BUF_INIT;
	CHECK_INT(read_all(" [ {\"a\": 1}, {\"b\": [1,{\"a\":9}], \"a\": \"x\"},\n{\"a\":true} ]\n", JSON_FORMAT_AUTO, NULL, &out), 3);
	CHECK_STR(buf_cstr(&out), "1;x;true;");
	buf_clear(&out);
	CHECK_INT(read_all("[]", JSON_FORMAT_AUTO, NULL, &out), 0);
	buf_free(&out);
}

static void test_ndjson(void)
{
	struct buf out = BUF_INIT;
	CHECK_INT(read_all("{\"a\":1}\n\n{\"a\":2}\r\n{\"a\":\"}\"}", JSON_FORMAT_AUTO, NULL, &out), 3);
	CHECK_STR(buf_cstr(&out), "1;2;};");
	buf_clear(&out);
	CHECK_INT(read_all("{\"a\":1}\n", JSON_FORMAT_NDJSON, NULL, &out), 1);
	buf_clear(&out);
	CHECK_INT(read_all("", JSON_FORMAT_NDJSON, NULL, &out), 0);
	/* the ':' after a record, as in an array (test_errors) */
	CHECK(read_all("{}:\"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\": 1\n",
	               JSON_FORMAT_NDJSON, NULL, &out) == PIPE_EUSAGE);
	CHECK(strstr(error_last(), "in.json:1:3: invalid JSON: expected a record (an object), found ':'"));
	buf_free(&out);
}

static void test_envelope(void)
{
	struct buf out = BUF_INIT;
	CHECK_INT(read_all("{\"meta\": {\"items\": [1,2]}, \"data\": {\"x\": \"]\", \"items\": [{\"a\":5},{\"a\":6}], \"z\": 1}}",
	                   JSON_FORMAT_AUTO, "data.items", &out), 2);
	CHECK_STR(buf_cstr(&out), "5;6;");
	CHECK(read_all("{\"data\": {}}", JSON_FORMAT_AUTO, "data.items", &out) == PIPE_EUSAGE);
	CHECK(strstr(error_last(), "no key \"items\""));
	CHECK(read_all("{\"data\": 3}", JSON_FORMAT_AUTO, "data", &out) == PIPE_EUSAGE);
	CHECK(strstr(error_last(), "not an array"));
	buf_free(&out);
}

static void test_escapes(void)
{
	struct buf out = BUF_INIT;
	CHECK_INT(read_all("[{\"a\":\"q\\\"\\n\\u00e9\\ud83d\\ude00\"}]", JSON_FORMAT_AUTO, NULL, &out), 1);
	CHECK_STR(buf_cstr(&out), "q\"\n\xc3\xa9\xf0\x9f\x98\x80;");
	buf_free(&out);
}

/* Each bad input fails with a message naming the position. */
static void test_errors(void)
{
	static const struct {
		const char *text, *message;
	} cases[] = {
		{"[{\"a\":1},\n {\"a\": tru}]", "in.json:2:8: invalid JSON: not a number"},
		{"[{\"a\":1},\n {\"a\": 01}]", "in.json:2:8: invalid JSON"},
		{"[{\"a\":1} {\"a\":2}]", "in.json:1:10: invalid JSON: expected ',' or ']'"},
		{"[{\"a\":1},]", "in.json:1:10: invalid JSON: a comma before ']'"},
		{"[{\"a\":1}", "in.json:1:9: invalid JSON: the array of records is not closed"},
		{"[{\"a\":1", "in.json:1:2: invalid JSON: the value starting here is not closed"},
		{"[1, 2]", "in.json:1:2: record 1 is a number, not an object"},
		{"\n\n  \"x\"", "in.json:3:3: expected a JSON array of records, found '\"'"},
		{"{\"data\": [{\"a\": 1}]}", "in.json:1:1: the top level is one object"},
		{"", "the file is empty"},
		{"[{\"a\":1}] x", "in.json:1:11: invalid JSON: unexpected data after the array"},
		{"{\"a\":1}\n{\"a\":2}\n[3]", "in.json:3:1: record 3 is an array"},
		{"[{\"a\":\"\\x\"}]", "in.json:1:7: invalid JSON"},
		{"\x01", "found byte 0x01"},
		{"[{\"a\": }]", "in.json:1:8: invalid JSON"},
		{"[{\"a\": 1,, \"b\": 2}]", "in.json:1:10: invalid JSON: unexpected character"},
		{"[{\"a\": [1 2]}]", "in.json:1:11: invalid JSON: expected ','"},
		{"[{\"a\": [1, 2,]}]", "in.json:1:13: invalid JSON: unexpected character"},
		{"[{\"a\": [,1]}]", "in.json:1:9: invalid JSON: unexpected character"},
		/* empty containers inside a record: only their closing gap */
		{"[{\"a\": [,]}]", "in.json:1:9: invalid JSON: unexpected character"},
		{"[{\"a\": 1, \"b\": {,}}]", "in.json:1:17: invalid JSON: unexpected character"},
		{"[{,\"a\": 1}]", "in.json:1:3: invalid JSON: unexpected character"},
		{"[{\"a\" 1}]", "in.json:1:7: invalid JSON"},
		{"[{\"a\" }]", "in.json:1:7: invalid JSON: a key without a value"},
		{"[{\"a\": 1, \"b\"}]", "in.json:1:14: invalid JSON"},
		/* jsmn hangs what follows a ':' after a record on the record,
		 * beyond its text: a long key puts it past the text's buffer */
		{"[{}:\"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\": 1]",
		 "in.json:1:4: invalid JSON: expected ',' or ']' after a record, found ':'"},
		{"[{\"a\": [\"b\": 1]}]", "in.json:1:12: invalid JSON: a ':' outside an object"},
		{"[{\"a\": \"b\": 2}]", "in.json:1:11: invalid JSON: a ':' outside an object"},
	};
	struct buf out = BUF_INIT;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = read_all(cases[i].text, JSON_FORMAT_AUTO, NULL, &out);
		if (rc >= 0)
			T_FAIL("case %zu: no error", i);
		if (!strstr(error_last(), cases[i].message))
			T_FAIL("case %zu: got %s, expected %s", i, error_last(), cases[i].message);
	}
	buf_free(&out);
}

/* Records crossing the reader's buffer boundary, and many of them. */
static void test_large(void)
{
	struct buf text = BUF_INIT, out = BUF_INIT;
	buf_putc(&text, '[');
	for (int i = 0; i < 30000; i++)
		buf_printf(&text, "%s{\"a\": %d, \"pad\": \"%s\", \"n\": {\"x\": [1, 2, 3]}}", i ? ",\n" : "", i,
		           "................................................................");
	buf_putc(&text, ']');
	CHECK_INT(read_all(text.data, JSON_FORMAT_AUTO, NULL, &out), 30000);
	CHECK(str_ends(buf_cstr(&out), ";29998;29999;"));
	buf_free(&text);
	buf_free(&out);
}

/* Records are read ahead by a thread: a caller that stops early frees
 * the reader while it waits for room, and an error after many records
 * comes after them, at its own line. */
static void test_read_ahead(void)
{
	struct buf text = BUF_INIT;
	struct json_reader *r = NULL;
	struct json_doc doc = {0};
	char *path;
	int n = 0, error;
	buf_putc(&text, '[');
	for (int i = 0; i < 40000; i++)
		buf_printf(&text, "%s{\"a\": %d, \"pad\": \"%s\"}", i ? ",\n" : "", i,
		           "................................................................");
	buf_puts(&text, ",\n{\"a\": 40000,, \"b\": 1}]");
	path = write_tmp("ahead.json", text.data);
	CHECK(path);
	CHECK_OK(json_reader_open(&r, path, JSON_FORMAT_AUTO, NULL));
	CHECK_INT(json_reader_next(r, &doc), 1);
	CHECK_INT(json_reader_next(r, &doc), 1);
	CHECK_INT(json_reader_index(r), 1);
	json_reader_free(r); /* the thread is still reading */
	r = NULL;
	CHECK_OK(json_reader_open(&r, path, JSON_FORMAT_AUTO, NULL));
	while ((error = json_reader_next(r, &doc)) > 0) {
		int v = json_get(&doc, 0, "a");
		if (v < 0 || atoi(doc.text + doc.toks[v].start) != n)
			break;
		n++;
	}
	CHECK_INT(n, 40000);
	CHECK_INT(error, PIPE_EUSAGE);
	CHECK(strstr(error_last(), "ahead.json:40001:"));
	CHECK_INT(json_reader_next(r, &doc), 0);
	json_reader_free(r);
	json_doc_free(&doc);
	unlink(path);
	free(path);
	buf_free(&text);
}

/* A record of more tokens than the reader's window holds, between small
 * ones: it is tokenised on its own. */
static void test_many_tokens(void)
{
	struct buf text = BUF_INIT, out = BUF_INIT;
	buf_puts(&text, "[{\"a\": 1},\n{\"a\": 2, \"big\": [");
	for (int i = 0; i < 50000; i++)
		buf_printf(&text, "%s%d", i ? "," : "", i);
	buf_puts(&text, "]},\n{\"a\": 3}]");
	CHECK_INT(read_all(text.data, JSON_FORMAT_AUTO, NULL, &out), 3);
	CHECK_STR(buf_cstr(&out), "1;2;3;");
	buf_free(&text);
	buf_free(&out);
}

/* A record longer than the limit is refused, not held. */
static void test_huge_record(void)
{
	char *path = path_join(tmpdir, "huge.ndjson");
	FILE *f = fopen(path, "w");
	struct json_reader *r = NULL;
	struct json_doc doc = {0};
	static char chunk[1 << 16];
	memset(chunk, 'x', sizeof(chunk));
	CHECK(f);
	fputs("{\"a\": 1}\n{\"a\": \"", f);
	for (size_t n = 0; n <= JSON_MAX_RECORD; n += sizeof(chunk))
		fwrite(chunk, 1, sizeof(chunk), f);
	fputs("\"}\n", f);
	fclose(f);
	CHECK_OK(json_reader_open(&r, path, JSON_FORMAT_AUTO, NULL));
	CHECK_INT(json_reader_next(r, &doc), 1);
	CHECK(json_reader_next(r, &doc) == PIPE_EUSAGE);
	CHECK(strstr(error_last(), "huge.ndjson:2:1: a record longer than 64 MiB"));
	json_reader_free(r);
	json_doc_free(&doc);
	unlink(path);
	free(path);
}

static void test_parse_doc(void)
{
	struct json_doc doc = {0};
	const char *text = "{\"headers\": {\"X-SODA2-Types\": \"[\\\"text\\\",\\\"number\\\"]\"}, \"n\": 2.5}";
	int h, t;
	char *s;
	CHECK_OK(json_parse(&doc, text, strlen(text), "m.json"));
	h = json_get(&doc, 0, "headers");
	CHECK(h > 0);
	t = json_get(&doc, h, "X-SODA2-Types");
	CHECK(t > 0);
	s = json_strdup(&doc, t);
	CHECK_STR(s, "[\"text\",\"number\"]");
	free(s);
	CHECK_INT(doc.toks[json_get(&doc, 0, "n")].type, JSON_FLOAT);
	CHECK(json_parse(&doc, "{} {}", 5, "m.json") == PIPE_EUSAGE);
	CHECK(strstr(error_last(), "m.json:1:4: invalid JSON: more than one value"));
	/* jsmn reads a ':' after a top-level string as a key's: a header
	 * such as X-SODA2-Fields: "a":"" once wrote before the checker's array */
	CHECK(json_parse(&doc, "\"a\":\"\"", 6, "h") == PIPE_EUSAGE);
	CHECK_STR(error_last(), "h:1:4: invalid JSON: a ':' outside an object (at ':')");
	CHECK(json_parse(&doc, "{}:\"b\":1", 9, "h") == PIPE_EUSAGE);
	json_doc_free(&doc);
}

/* Nesting past JSON_MAX_DEPTH is refused where it goes too deep, before
 * jsmn, whose time grows with the square of the depth, sees it. */
static void test_depth(void)
{
	struct buf text = BUF_INIT, out = BUF_INIT;
	struct json_doc doc = {0};
	static const int depths[] = {JSON_MAX_DEPTH, JSON_MAX_DEPTH + 1, 100000};
	for (size_t k = 0; k < sizeof(depths) / sizeof(depths[0]); k++) {
		double t0 = time_now_ms();
		int n = depths[k];
		buf_clear(&text);
		buf_puts(&text, "[{\"a\":1},\n");
		/* a record n levels deep: n - 1 objects around an array */
		for (int i = 0; i < n - 1; i++)
			buf_puts(&text, "{\"a\":");
		buf_puts(&text, "[1]");
		for (int i = 0; i < n - 1; i++)
			buf_puts(&text, "}");
		buf_puts(&text, "]");
		buf_clear(&out);
		if (n <= JSON_MAX_DEPTH) {
			CHECK_INT(read_all(text.data, JSON_FORMAT_AUTO, NULL, &out), 2);
		} else {
			char where[80];
			CHECK(read_all(text.data, JSON_FORMAT_AUTO, NULL, &out) == PIPE_EUSAGE);
			/* at the container one level too deep */
			snprintf(where, sizeof(where), "in.json:2:%d: invalid JSON: nested deeper than 1000 levels",
			         5 * JSON_MAX_DEPTH + 1);
			if (!strstr(error_last(), where))
				T_FAIL("depth %d: %s", n, error_last());
		}
		/* the record as one value, as json_parse reads a manifest */
		if (n <= JSON_MAX_DEPTH + 1) {
			int rc = json_parse(&doc, text.data + 10, text.len - 11, "m.json");
			if (n <= JSON_MAX_DEPTH)
				CHECK_OK(rc);
			else
				CHECK(rc == PIPE_EUSAGE && strstr(error_last(), "nested deeper than 1000 levels"));
		}
		CHECK(time_now_ms() - t0 < 5000);
	}
	json_doc_free(&doc);
	buf_free(&text);
	buf_free(&out);
}

int main(void)
{
	if (!mkdtemp(tmpdir))
		return 1;
	RUN(test_array);
	RUN(test_ndjson);
	RUN(test_envelope);
	RUN(test_escapes);
	RUN(test_errors);
	RUN(test_large);
	RUN(test_read_ahead);
	RUN(test_many_tokens);
	RUN(test_huge_record);
	RUN(test_parse_doc);
	RUN(test_depth);
	rm_rf(tmpdir);
	T_DONE();
}
