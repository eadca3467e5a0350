#include "crypto.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct hasher {
	EVP_MD_CTX *ctx;
};

/* libcrypto is loaded (dlopen) when pipe first hashes: `pipe query`, `log`
 * and the rest never do, and loading it was a third of a query's start. */
#define CRYPTO_FUNCTIONS(X) \
	X(OPENSSL_init_crypto) \
	X(EVP_MD_fetch) \
	X(EVP_sha256) \
	X(EVP_MD_CTX_new) \
	X(EVP_MD_CTX_free) \
	X(EVP_DigestInit_ex) \
	X(EVP_DigestUpdate) \
	X(EVP_DigestFinal_ex) \
	X(EVP_DigestSignInit) \
	X(EVP_DigestSign) \
	X(EVP_PKEY_is_a) \
	X(EVP_PKEY_free) \
	X(BIO_new_mem_buf) \
	X(BIO_free) \
	X(PEM_read_bio_PrivateKey) \
	X(ERR_clear_error)

LIB_FUNCTIONS(CRYPTO_FUNCTIONS, ssl);
static char crypto_error[256];

LIB_NOTE_DLOPEN("crypto", "SHA-256 of inputs, outputs and targets, for build, status and fsck; "
                "RS256 signatures for BigQuery's service-account tokens; SQL's MD5 and SHA digests",
                "required", LIBCRYPTO_SONAME);

/* OpenSSL 3 looks the algorithm up on every EVP_sha256() init unless it is
 * fetched once; on the no-op path that lookup cost more than the hashing. */
static EVP_MD *sha256;
static pthread_once_t crypto_once = PTHREAD_ONCE_INIT;

/* One finished hasher is kept for the thread's next: the fast path hashes
 * a few small strings per target, where allocating a context cost as much
 * as the digest.  It is freed with its thread. */
static pthread_key_t spare_key;

static void free_spare(void *p)
{
	struct hasher *h = p;
	ssl.EVP_MD_CTX_free(h->ctx);
	free(h);
}

static void crypto_init(void)
{
	if (LIB_OPEN(LIBCRYPTO_SONAME, ssl, crypto_error, sizeof(crypto_error)) < 0)
		return;
	/* SHA-256 needs no configuration: skip reading openssl.cnf, which
	 * costs a no-op build more than hashing its keys */
	ssl.OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
	sha256 = ssl.EVP_MD_fetch(NULL, "SHA256", NULL);
	pthread_key_create(&spare_key, free_spare);
}

int hash_init(void)
{
	pthread_once(&crypto_once, crypto_init);
	return crypto_error[0] ? error_set("%s", crypto_error) : 0;
}


/* Loads libcrypto on first use; the digest every hash uses. */
static const EVP_MD *md(void)
{
	if (hash_init() < 0) {
		/* a command that hashes calls hash_init first, to fail cleanly:
		 * getting here without libcrypto is a bug in that command */
		fprintf(stderr, "pipe: %s\n", crypto_error);
		abort();
	}
	return sha256 ? sha256 : ssl.EVP_sha256();
}

/* The thread's spare hasher (or a new one) started on digest d. */
static struct hasher *hasher_take(const EVP_MD *d, const char *name)
{
	struct hasher *h = pthread_getspecific(spare_key);
	if (h) {
		pthread_setspecific(spare_key, NULL);
		if (ssl.EVP_DigestInit_ex(h->ctx, d, NULL) == 1)
			return h;
	} else {
		h = xmalloc(sizeof(*h));
		h->ctx = ssl.EVP_MD_CTX_new();
	}
	if (!h->ctx || ssl.EVP_DigestInit_ex(h->ctx, d, NULL) != 1) {
		fprintf(stderr, "pipe: OpenSSL cannot start %s\n", name);
		abort();
	}
	return h;
}

/* A finished hasher back as the thread's spare, or freed. */
static void hasher_give(struct hasher *h)
{
	if (!pthread_getspecific(spare_key)) {
		pthread_setspecific(spare_key, h);
		return;
	}
	ssl.EVP_MD_CTX_free(h->ctx);
	free(h);
}

struct hasher *hasher_new(void) { return hasher_take(md(), "SHA-256"); }

void hasher_update(struct hasher *h, const void *p, size_t n)
{
	ssl.EVP_DigestUpdate(h->ctx, p, n);
}

void hasher_str(struct hasher *h, const char *s) { hasher_update(h, s, strlen(s) + 1); }

void hasher_final(struct hasher *h, struct hash *out)
{
	unsigned int n = HASH_LEN;
	ssl.EVP_DigestFinal_ex(h->ctx, out->b, &n);
	hasher_give(h);
}

void hash_bytes(const void *p, size_t n, struct hash *out)
{
	struct hasher *h = hasher_new();
	hasher_update(h, p, n);
	hasher_final(h, out);
}

/* SQL's MD5, SHA1, SHA256 and SHA512, fetched once each (as sha256 above);
 * a row's digest in the thread's spare hasher, as a key's. */
static const char *const digest_names[] = {"MD5", "SHA1", "SHA256", "SHA512"};
#define NDIGESTS (sizeof digest_names / sizeof *digest_names)
static EVP_MD *digests[NDIGESTS];
static pthread_once_t digests_once = PTHREAD_ONCE_INIT;

static void digests_init(void)
{
	for (size_t i = 0; i < NDIGESTS; i++)
		digests[i] = ssl.EVP_MD_fetch(NULL, digest_names[i], NULL);
}

int digest_bytes(const char *name, const void *p, size_t n, unsigned char out[64])
{
	int error;
	size_t i = 0;
	unsigned len = 0;
	if ((error = hash_init()) < 0)
		return error;
	pthread_once(&digests_once, digests_init);
	while (i < NDIGESTS && strcmp(digest_names[i], name))
		i++;
	if (i == NDIGESTS || !digests[i])
		return error_set("OpenSSL cannot compute %s", name);
	struct hasher *h = hasher_take(digests[i], name);
	ssl.EVP_DigestUpdate(h->ctx, p, n);
	ssl.EVP_DigestFinal_ex(h->ctx, out, &len);
	hasher_give(h);
	return (int)len;
}

int hash_fd(int fd, const char *path, struct hash *out)
{
	/* on the stack: a buffer malloc'd per file was mapped and faulted in
	 * anew for each */
	char data[1 << 16];
	struct hasher *h = hasher_new();
	ssize_t n;
	int error = 0;
	while ((n = read(fd, data, sizeof data)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			error = error_set("%s: %s", path, strerror(errno));
			break;
		}
		hasher_update(h, data, (size_t)n);
	}
	hasher_final(h, out);
	return error;
}

int hash_file(const char *path, struct hash *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), error;
	if (fd < 0)
		return error_setcode(errno == ENOENT ? PIPE_ENOTFOUND : PIPE_ERROR,
		                     "%s: %s", path, strerror(errno));
	/* tests see which files are read back to be hashed: an output
	 * should have been hashed while written (file_hasher) */
	if (getenv("PIPE_DEBUG_HASH_READS"))
		fprintf(stderr, "pipe: hashing by reading %s\n", path);
	error = hash_fd(fd, path, out);
	close(fd);
	return error;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int hash_path(const char *path, hash_file_fn fn, void *ctx, struct hash *out)
{
	struct stat st;
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct hasher *h = NULL;
	struct dirent *e;
	DIR *d = NULL;
	int error = 0;

	if (stat(path, &st) < 0)
		return error_setcode(errno == ENOENT ? PIPE_ENOTFOUND : PIPE_ERROR,
		                     "%s: %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return fn ? fn(ctx, path, &st, out) : hash_file(path, out);

	if (!(d = opendir(path)))
		return error_set("%s: %s", path, strerror(errno));
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		grow_array(&names, &cap, n + 1, sizeof(*names));
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_names);

	h = hasher_new();
	hasher_str(h, "tree");
	for (size_t i = 0; i < n && !error; i++) {
		char *sub = path_join(path, names[i]);
		struct hash sh;
		bool dir = path_is_dir(sub);
		if ((error = hash_path(sub, fn, ctx, &sh)) == 0) {
			hasher_str(h, dir ? "d" : "f");
			hasher_str(h, names[i]);
			hasher_update(h, sh.b, HASH_LEN);
		}
		free(sub);
	}
	hasher_final(h, out);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return error;
}

void hash_hex(const struct hash *h, char out[HASH_HEX_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";
	for (int i = 0; i < HASH_LEN; i++) {
		out[2 * i] = digits[h->b[i] >> 4];
		out[2 * i + 1] = digits[h->b[i] & 15];
	}
	out[HASH_HEX_LEN] = '\0';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int hash_from_hex(const char *hex, struct hash *out)
{
	for (int i = 0; i < HASH_LEN; i++) {
		int hi = hexval(hex[2 * i]), lo = hi < 0 ? -1 : hexval(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return error_set("not a SHA-256 hex digest: '%.64s'", hex);
		out->b[i] = (unsigned char)(hi << 4 | lo);
	}
	if (hex[HASH_HEX_LEN] != '\0' && hex[HASH_HEX_LEN] != ' ' && hex[HASH_HEX_LEN] != '\n')
		return error_set("not a SHA-256 hex digest: '%.70s'", hex);
	return 0;
}

bool hash_eq(const struct hash *a, const struct hash *b)
{
	return memcmp(a->b, b->b, HASH_LEN) == 0;
}

bool hash_is_zero(const struct hash *h)
{
	static const struct hash zero;
	return hash_eq(h, &zero);
}

/* ---- RS256 and base64url, for the JWTs of service-account tokens ---- */

/* An encrypted key would make OpenSSL ask for a passphrase on the
 * terminal: a build must fail instead of waiting for one. */
static int no_passphrase(char *buf, int size, int rwflag, void *arg)
{
	(void)buf, (void)size, (void)rwflag, (void)arg;
	return -1;
}

int rs256_sign(const char *pem, size_t pem_len, const void *data, size_t len, struct buf *sig)
{
	int error;
	BIO *bio = NULL;
	EVP_PKEY *key = NULL;
	EVP_MD_CTX *ctx = NULL;
	size_t n = 0;

	/* the messages name no byte of the key: they end up in logs */
	if ((error = hash_init()) < 0)
		goto done;
	if (pem_len > INT_MAX) {
		error = error_set("the private key is not a PEM private key");
		goto done;
	}
	if (memmem(pem, pem_len, "ENCRYPTED PRIVATE KEY-----", 26) ||
	    memmem(pem, pem_len, "Proc-Type: 4,ENCRYPTED", 22)) {
		error = error_set("the private key is encrypted: pipe needs it unencrypted, as "
		                  "a service-account key file holds it");
		goto done;
	}
	if (!(bio = ssl.BIO_new_mem_buf(pem, (int)pem_len)) ||
	    !(key = ssl.PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL))) {
		error = error_set("the private key is not a PEM private key");
		goto done;
	}
	if (!ssl.EVP_PKEY_is_a(key, "RSA")) {
		error = error_set("the private key is not an RSA key: RS256 signs with RSA");
		goto done;
	}
	if (!(ctx = ssl.EVP_MD_CTX_new()) ||
	    ssl.EVP_DigestSignInit(ctx, NULL, md(), NULL, key) != 1 ||
	    ssl.EVP_DigestSign(ctx, NULL, &n, data, len) != 1) {
		error = error_set("OpenSSL cannot sign with the private key");
		goto done;
	}
	buf_grow(sig, n + 1);
	if (ssl.EVP_DigestSign(ctx, (unsigned char *)sig->data + sig->len, &n, data, len) != 1) {
		error = error_set("OpenSSL cannot sign with the private key");
		goto done;
	}
	sig->len += n;
	sig->data[sig->len] = '\0';
done:
	if (error < 0 && ssl.ERR_clear_error)
		ssl.ERR_clear_error(); /* the failure is told above; the queue is per thread */
	if (ctx)
		ssl.EVP_MD_CTX_free(ctx);
	if (key)
		ssl.EVP_PKEY_free(key);
	if (bio)
		ssl.BIO_free(bio);
	return error;
}

void base64url_add(struct buf *b, const void *p, size_t n)
{
	static const char digits[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	const unsigned char *s = p;
	size_t i = 0;
	for (; i + 3 <= n; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
		char out[4] = {digits[v >> 18], digits[v >> 12 & 63], digits[v >> 6 & 63], digits[v & 63]};
		buf_add(b, out, 4);
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)s[i] << 16;
		char out[2] = {digits[v >> 18], digits[v >> 12 & 63]};
		buf_add(b, out, 2);
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8;
		char out[3] = {digits[v >> 18], digits[v >> 12 & 63], digits[v >> 6 & 63]};
		buf_add(b, out, 3);
	}
}
