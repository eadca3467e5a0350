/* crypto: the crypto module, the only one that includes OpenSSL: SHA-256
 * through EVP, of bytes, files and trees; RS256 signatures and base64url,
 * for the JWTs that get BigQuery's tokens (auth.c); SQL's MD5 and SHA
 * digests (handed to the warehouse by backend_local.c). */
#ifndef PIPE_CRYPTO_H
#define PIPE_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#define HASH_LEN 32
#define HASH_HEX_LEN 64

struct hash {
	unsigned char b[HASH_LEN];
};

/* Loads libcrypto (once): 0, or an error naming the library and why.  A
 * command that hashes calls it first, since hashing itself cannot fail. */
int hash_init(void);

struct hasher; /* an incremental SHA-256 */
struct hasher *hasher_new(void);
void hasher_update(struct hasher *h, const void *p, size_t n);
void hasher_str(struct hasher *h, const char *s); /* the string and its NUL */
void hasher_final(struct hasher *h, struct hash *out); /* also frees h */

void hash_bytes(const void *p, size_t n, struct hash *out);
int hash_file(const char *path, struct hash *out);
/* The same for an open file, read from where it is; path names it in an error. */
int hash_fd(int fd, const char *path, struct hash *out);

/* How a tree walk gets one file's hash: the index passes a function that
 * answers from its stat cache and only reads files whose stat changed. */
typedef int (*hash_file_fn)(void *ctx, const char *path, const struct stat *st,
                            struct hash *out);
/* A file hashes as its content; a directory as the sorted list of its
 * entries' names, types and hashes, so renaming or adding a file changes it.
 * fn may be NULL (read every file). */
int hash_path(const char *path, hash_file_fn fn, void *ctx, struct hash *out);

/* SQL's MD5, SHA1, SHA256 and SHA512 (name as here): the digest of p[0..n)
 * into out, its length; < 0 with the error set when libcrypto cannot. */
int digest_bytes(const char *name, const void *p, size_t n, unsigned char out[64]);

void hash_hex(const struct hash *h, char out[HASH_HEX_LEN + 1]);
int hash_from_hex(const char *hex, struct hash *out);
bool hash_eq(const struct hash *a, const struct hash *b);
bool hash_is_zero(const struct hash *h);

struct buf;
/* Appends the RS256 signature (RSASSA-PKCS1-v1_5 with SHA-256) of
 * data[0..len) to sig, signed with the unencrypted PEM private key
 * pem[0..pem_len) (PKCS#8 "BEGIN PRIVATE KEY", as a service-account key file
 * holds it, or "BEGIN RSA PRIVATE KEY").  Loads libcrypto if needed.  The
 * messages never quote the key. */
int rs256_sign(const char *pem, size_t pem_len, const void *data, size_t len, struct buf *sig);
/* Appends p[0..n) in base64url without padding (RFC 7515's encoding). */
void base64url_add(struct buf *b, const void *p, size_t n);

#endif
