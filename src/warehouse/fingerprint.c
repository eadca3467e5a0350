/* fingerprint: FarmHash's Fingerprint64, which BigQuery's FARM_FINGERPRINT
 * returns, written here from the published algorithm: a fingerprint must
 * give BigQuery's numbers exactly, so that a sample or a bucket chosen by
 * MOD(ABS(FARM_FINGERPRINT(id)), 10) is the same rows in both.
 *
 * Strings are hashed by length: up to 16 bytes, 17 to 32, 33 to 64, and
 * past 64 a loop over 64-byte pieces with 56 bytes of state.  Words are
 * read little-endian whatever the machine.  The tests hold BigQuery's own
 * examples and vectors of every length class. */
#include "fingerprint.h"

#include <string.h>

/* primes between 2^63 and 2^64 */
static const uint64_t k0 = 0xc3a5c85c97cb3127u;
static const uint64_t k1 = 0xb492b66fbe98f273u;
static const uint64_t k2 = 0x9ae16a3b2f90404fu;

static uint64_t word64(const char *p)
{
	const unsigned char *b = (const unsigned char *)p;
	uint64_t x = 0;
	for (int i = 7; i >= 0; i--)
		x = x << 8 | b[i];
	return x;
}

static uint64_t word32(const char *p)
{
	const unsigned char *b = (const unsigned char *)p;
	return (uint64_t)b[0] | (uint64_t)b[1] << 8 | (uint64_t)b[2] << 16 | (uint64_t)b[3] << 24;
}

static uint64_t rotr(uint64_t x, int n) { return n ? x >> n | x << (64 - n) : x; }

static uint64_t shift_mix(uint64_t x) { return x ^ x >> 47; }

/* two words into one, by multiplying with mul */
static uint64_t mix2(uint64_t u, uint64_t v, uint64_t mul)
{
	uint64_t a = (u ^ v) * mul;
	a ^= a >> 47;
	uint64_t b = (v ^ a) * mul;
	b ^= b >> 47;
	return b * mul;
}

static uint64_t hash_0_to_16(const char *s, size_t len)
{
	if (len >= 8) {
		uint64_t mul = k2 + len * 2, a = word64(s) + k2, b = word64(s + len - 8);
		uint64_t c = rotr(b, 37) * mul + a, d = (rotr(a, 25) + b) * mul;
		return mix2(c, d, mul);
	}
	if (len >= 4) {
		uint64_t mul = k2 + len * 2, a = word32(s);
		return mix2(len + (a << 3), word32(s + len - 4), mul);
	}
	if (len > 0) {
		const unsigned char *b = (const unsigned char *)s;
		uint32_t y = (uint32_t)b[0] + ((uint32_t)b[len >> 1] << 8);
		uint32_t z = (uint32_t)len + ((uint32_t)b[len - 1] << 2);
		return shift_mix(y * k2 ^ z * k0) * k2;
	}
	return k2;
}

static uint64_t hash_17_to_32(const char *s, size_t len)
{
	uint64_t mul = k2 + len * 2, a = word64(s) * k1, b = word64(s + 8);
	uint64_t c = word64(s + len - 8) * mul, d = word64(s + len - 16) * k2;
	return mix2(rotr(a + b, 43) + rotr(c, 30) + d, a + rotr(b + k2, 18) + c, mul);
}

static uint64_t hash_33_to_64(const char *s, size_t len)
{
	uint64_t mul = k2 + len * 2, a = word64(s) * k2, b = word64(s + 8);
	uint64_t c = word64(s + len - 8) * mul, d = word64(s + len - 16) * k2;
	uint64_t y = rotr(a + b, 43) + rotr(c, 30) + d;
	uint64_t z = mix2(y, a + rotr(b + k2, 18) + c, mul);
	uint64_t e = word64(s + 16) * mul, f = word64(s + 24);
	uint64_t g = (y + word64(s + len - 32)) * mul, h = (z + word64(s + len - 24)) * mul;
	return mix2(rotr(e + f, 43) + rotr(g, 30) + h, e + rotr(f + a, 18) + g, mul);
}

/* 32 bytes and two seeds into a pair of words */
static void weak_32(const char *s, uint64_t a, uint64_t b, uint64_t out[2])
{
	uint64_t w = word64(s), x = word64(s + 8), y = word64(s + 16), z = word64(s + 24);
	a += w;
	b = rotr(b + a + z, 21);
	uint64_t c = a;
	a += x + y;
	b += rotr(a, 44);
	out[0] = a + z;
	out[1] = b + c;
}

uint64_t farm_fingerprint64(const char *s, size_t len)
{
	if (len <= 16)
		return hash_0_to_16(s, len);
	if (len <= 32)
		return hash_17_to_32(s, len);
	if (len <= 64)
		return hash_33_to_64(s, len);
	const uint64_t seed = 81;
	uint64_t x = seed * k2 + word64(s), y = seed * k1 + 113, z = shift_mix(y * k2 + 113) * k2, t;
	uint64_t v[2] = {0, 0}, w[2] = {0, 0};
	/* whole pieces while more than 64 bytes remain; then the last 64 */
	const char *end = s + (len - 1) / 64 * 64, *last = s + len - 64;
	do {
		x = rotr(x + y + v[0] + word64(s + 8), 37) * k1;
		y = rotr(y + v[1] + word64(s + 48), 42) * k1;
		x ^= w[1];
		y += v[0] + word64(s + 40);
		z = rotr(z + w[0], 33) * k1;
		weak_32(s, v[1] * k1, x + w[0], v);
		weak_32(s + 32, z + w[1], y + word64(s + 16), w);
		t = z, z = x, x = t;
		s += 64;
	} while (s != end);
	uint64_t mul = k1 + ((z & 0xff) << 1);
	s = last;
	w[0] += (len - 1) & 63;
	v[0] += w[0];
	w[0] += v[0];
	x = rotr(x + y + v[0] + word64(s + 8), 37) * mul;
	y = rotr(y + v[1] + word64(s + 48), 42) * mul;
	x ^= w[1] * 9;
	y += v[0] * 9 + word64(s + 40);
	z = rotr(z + w[0], 33) * mul;
	weak_32(s, v[1] * mul, x + w[0], v);
	weak_32(s + 32, z + w[1], y + word64(s + 16), w);
	t = z, z = x, x = t;
	return mix2(mix2(v[0], w[0], mul) + shift_mix(y) * k0 + z, mix2(v[1], w[1], mul) + x, mul);
}
