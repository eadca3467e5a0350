#include "hash.h"
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

int main(void)
{
	RUN(sha256_known_vector);
	RUN(incremental_equals_one_shot);
	RUN(hex_round_trip);
	RUN(tree_hash_sees_names_and_content);
	T_DONE();
}
