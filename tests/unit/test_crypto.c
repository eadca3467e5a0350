#include "crypto.h"
#include "t.h"

#include <stdlib.h>
#include <unistd.h>

static void sha256_known_vector(void)
{
	struct hash h;
	char hex[HASH_HEX_LEN + 1];
	hash_bytes("abc", 3, &h);
	hash_hex(&h, hex);
	CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void incremental_equals_one_shot(void)
{
	struct hash a, b;
	struct hasher *h = hasher_new();
	hasher_update(h, "hello ", 6);
	hasher_update(h, "world", 5);
	hasher_final(h, &a);
	hash_bytes("hello world", 11, &b);
	CHECK(hash_eq(&a, &b));
}

static void hex_round_trip(void)
{
	struct hash a, b;
	char hex[HASH_HEX_LEN + 1];
	hash_bytes("x", 1, &a);
	hash_hex(&a, hex);
	CHECK_OK(hash_from_hex(hex, &b));
	CHECK(hash_eq(&a, &b));
	CHECK(hash_from_hex("zz", &b) < 0);
}

static void tree_hash_sees_names_and_content(void)
{
	char dir[] = "/tmp/pipe-test-XXXXXX";
	struct hash h1, h2, h3;
	CHECK(mkdtemp(dir) != NULL);
	char *a = path_join(dir, "a"), *b = path_join(dir, "b");
	CHECK_OK(file_write_atomic(a, "one", 3));
	CHECK_OK(hash_path(dir, NULL, NULL, &h1));
	CHECK_OK(file_write_atomic(a, "two", 3));
	CHECK_OK(hash_path(dir, NULL, NULL, &h2));
	CHECK(!hash_eq(&h1, &h2));
	CHECK(rename(a, b) == 0);
	CHECK_OK(hash_path(dir, NULL, NULL, &h3));
	CHECK(!hash_eq(&h2, &h3));
	CHECK(hash_path("/nonexistent/x", NULL, NULL, &h3) == PIPE_ENOTFOUND);
	rm_rf(dir);
	free(a);
	free(b);
}

static void base64url_vectors(void)
{
	/* RFC 4648's vectors, unpadded, and the two digits base64url changes */
	static const char *const cases[][2] = {
		{"", ""}, {"f", "Zg"}, {"fo", "Zm8"}, {"foo", "Zm9v"}, {"foob", "Zm9vYg"},
		{"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"}, {"\xfb\xff\xbf", "-_-_"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct buf b = BUF_INIT;
		base64url_add(&b, cases[i][0], strlen(cases[i][0]));
		char *got = xstrdup(buf_cstr(&b));
		buf_free(&b);
		bool same = !strcmp(got, cases[i][1]);
		free(got);
		CHECK(same);
	}
}

static char tmp[64];

/* Runs a shell command in tmp: 0 when it succeeded. */
static int sh(const char *cmd)
{
	char *full = xasprintf("cd %s && { %s; } >/dev/null 2>&1", tmp, cmd);
	int rc = system(full);
	free(full);
	return rc;
}

static int sign_file(const char *key_name, const char *data, struct buf *sig)
{
	struct buf pem = BUF_INIT;
	char *path = path_join(tmp, key_name);
	int rc = file_read(path, &pem);
	free(path);
	if (rc == 0)
		rc = rs256_sign(pem.data, pem.len, data, strlen(data), sig);
	buf_free(&pem);
	return rc;
}

/* openssl's own verifier accepts the signature, and only for the data signed */
static void rs256_verified_by_openssl(void)
{
	static const char data[] = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJ4In0";
	struct buf sig = BUF_INIT;
	CHECK(sh("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.pem && "
	         "openssl pkey -in rsa.pem -pubout -out rsa.pub") == 0);
	CHECK_OK(sign_file("rsa.pem", data, &sig));
	CHECK_INT(sig.len, 256);
	char *p = path_join(tmp, "sig.bin"), *d = path_join(tmp, "data"), *o = path_join(tmp, "other");
	int rc = file_write_atomic(p, sig.data, sig.len) | file_write_atomic(d, data, strlen(data)) |
	         file_write_atomic(o, data, strlen(data) - 1);
	free(p);
	free(d);
	free(o);
	CHECK_OK(rc);
	buf_free(&sig);
	CHECK(sh("openssl dgst -sha256 -verify rsa.pub -signature sig.bin data") == 0);
	CHECK(sh("openssl dgst -sha256 -verify rsa.pub -signature sig.bin other") != 0);
}

/* Keys pipe cannot sign with fail with a message that quotes none of it. */
static void rs256_refuses_bad_keys(void)
{
	struct buf sig = BUF_INIT;
	CHECK(sh("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -aes256 "
	         "-pass pass:secret -out enc.pem && "
	         "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 -out ec.pem && "
	         "head -c 300 rsa.pem > cut.pem") == 0);
	CHECK(sign_file("enc.pem", "x", &sig) < 0);
	CHECK(strstr(error_last(), "the private key is encrypted"));
	CHECK(sign_file("ec.pem", "x", &sig) < 0);
	CHECK_STR(error_last(), "the private key is not an RSA key: RS256 signs with RSA");
	CHECK(sign_file("cut.pem", "x", &sig) < 0);
	CHECK_STR(error_last(), "the private key is not a PEM private key");
	CHECK(rs256_sign("", 0, "x", 1, &sig) < 0);
	CHECK_STR(error_last(), "the private key is not a PEM private key");
	CHECK_INT(sig.len, 0);
	buf_free(&sig);
}

int main(void)
{
	RUN(sha256_known_vector);
	RUN(incremental_equals_one_shot);
	RUN(hex_round_trip);
	RUN(tree_hash_sees_names_and_content);
	RUN(base64url_vectors);
	snprintf(tmp, sizeof(tmp), "/tmp/pipe-test-rs256-XXXXXX");
	if (!mkdtemp(tmp))
		return 1;
	RUN(rs256_verified_by_openssl);
	RUN(rs256_refuses_bad_keys);
	rm_rf(tmp);
	T_DONE();
}
