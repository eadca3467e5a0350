/* numeric: NUMERIC, BigQuery's exact decimal (see numeric.h): its text,
 * read and written exactly, and its arithmetic, checked against BigQuery's
 * range. */
#include "numeric.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned __int128 u128;

/* ---- text ---- */

static numeric_t pow10_n(int n)
{
	numeric_t r = 1;
	while (n-- > 0)
		r *= 10;
	return r;
}

/* Rounds half away from zero beyond the ninth fractional digit. */
int numeric_parse(const char *p, const char *end, numeric_t *out)
{
	bool neg = false;
	if (p < end && (*p == '+' || *p == '-'))
		neg = *p++ == '-';
	char digits[80];
	int ndig = 0, nfrac = 0, seen = 0;
	bool dot = false;
	for (; p < end; p++) {
		if (*p >= '0' && *p <= '9') {
			seen++;
			if (dot)
				nfrac++;
			if (ndig == 0 && *p == '0') /* leading zeros carry no digits */
				continue;
			if (ndig >= (int)sizeof digits)
				return -2;
			digits[ndig++] = *p;
		} else if (*p == '.' && !dot) {
			dot = true;
		} else {
			break;
		}
	}
	if (!seen)
		return -1;
	long exp = 0;
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		bool eneg = false;
		if (p < end && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		if (p == end)
			return -1;
		for (; p < end && *p >= '0' && *p <= '9'; p++)
			if (exp < 100000)
				exp = exp * 10 + (*p - '0');
		if (eneg)
			exp = -exp;
	}
	if (p != end)
		return -1;
	/* value = digits * 10^shift in units of 10^-9 */
	long shift = exp - nfrac + 9;
	numeric_t v = 0;
	if (ndig == 0) {
		*out = 0;
		return 0;
	}
	if (shift >= 0) {
		if (ndig + shift > 38)
			return -2;
		for (int i = 0; i < ndig; i++)
			v = v * 10 + (digits[i] - '0');
		v *= pow10_n((int)shift);
	} else {
		long keep = ndig + shift; /* digits left of the rounding point */
		if (keep > 38)
			return -2;
		for (long i = 0; i < keep; i++)
			v = v * 10 + (digits[i] - '0');
		if (keep >= 0 && keep < ndig && digits[keep] >= '5')
			v++;
	}
	if (v > NUMERIC_MAX)
		return -2;
	*out = neg ? -v : v;
	return 0;
}

/* The exact decimal text of n, without trailing zeros, into out[48]. */
static void numeric_text(numeric_t n, char *out)
{
	u128 mag = n < 0 ? (u128)0 - (u128)n : (u128)n;
	u128 ip = mag / NUMERIC_SCALE;
	unsigned long long frac = (unsigned long long)(mag % NUMERIC_SCALE);
	char tmp[48];
	int k = sizeof tmp;
	tmp[--k] = '\0';
	do {
		tmp[--k] = (char)('0' + (int)(ip % 10));
		ip /= 10;
	} while (ip);
	if (n < 0)
		tmp[--k] = '-';
	size_t len = sizeof tmp - 1 - (size_t)k;
	memcpy(out, tmp + k, len);
	if (frac) {
		char f[16];
		snprintf(f, sizeof f, "%09llu", frac);
		int flen = 9;
		while (f[flen - 1] == '0')
			flen--;
		out[len++] = '.';
		memcpy(out + len, f, (size_t)flen);
		len += (size_t)flen;
	}
	out[len] = '\0';
}

void numeric_format(numeric_t n, struct buf *out)
{
	char tmp[48];
	numeric_text(n, tmp);
	buf_puts(out, tmp);
}

/* ---- arithmetic ---- */

static int numeric_overflow(const char *op, numeric_t a, numeric_t b)
{
	struct buf x = BUF_INIT, y = BUF_INIT;
	numeric_format(a, &x);
	numeric_format(b, &y);
	int rc = error_setcode(PIPE_EUSAGE, "numeric overflow: %s %s %s", buf_cstr(&x), op, buf_cstr(&y));
	buf_free(&x);
	buf_free(&y);
	return rc;
}

static bool numeric_ok(numeric_t n) { return n <= NUMERIC_MAX && n >= -NUMERIC_MAX; }

int numeric_add(numeric_t a, numeric_t b, numeric_t *out)
{
	numeric_t r;
	if (__builtin_add_overflow(a, b, &r) || !numeric_ok(r))
		return numeric_overflow("+", a, b);
	*out = r;
	return 0;
}

int numeric_sub(numeric_t a, numeric_t b, numeric_t *out)
{
	numeric_t r;
	if (__builtin_sub_overflow(a, b, &r) || !numeric_ok(r))
		return numeric_overflow("-", a, b);
	*out = r;
	return 0;
}

static u128 mag128(numeric_t n) { return n < 0 ? (u128)0 - (u128)n : (u128)n; }

/* a*b/10^9 with a = ah*10^9 + al and b = bh*10^9 + bl: every partial product
 * stays within 128 bits and only al*bl/10^9 has a fraction to round. */
int numeric_mul(numeric_t a, numeric_t b, numeric_t *out)
{
	u128 ma = mag128(a), mb = mag128(b);
	u128 ah = ma / NUMERIC_SCALE, al = ma % NUMERIC_SCALE;
	u128 bh = mb / NUMERIC_SCALE, bl = mb % NUMERIC_SCALE;
	u128 t1, r;
	if (__builtin_mul_overflow(ah, mb, &t1))
		return numeric_overflow("*", a, b);
	r = t1 + al * bh + (al * bl + NUMERIC_SCALE / 2) / NUMERIC_SCALE;
	if (r < t1 || r > (u128)NUMERIC_MAX)
		return numeric_overflow("*", a, b);
	*out = (a < 0) != (b < 0) ? -(numeric_t)r : (numeric_t)r;
	return 0;
}

/* (x + y) mod m for x, y < m, without overflowing; *wrapped when it did. */
static u128 add_mod(u128 x, u128 y, u128 m, bool *wrapped)
{
	*wrapped = x >= m - y;
	return *wrapped ? x - (m - y) : x + y;
}

int numeric_div(numeric_t a, numeric_t b, numeric_t *out)
{
	if (b == 0) {
		struct buf x = BUF_INIT;
		numeric_format(a, &x);
		int rc = error_setcode(PIPE_EUSAGE, "division by zero: %s / 0", buf_cstr(&x));
		buf_free(&x);
		return rc;
	}
	u128 ma = mag128(a), mb = mag128(b);
	u128 q = ma / mb, r = ma % mb;
	/* Ten more decimal digits of the quotient (nine kept, one to round),
	 * each from 10*r computed as ten modular additions. */
	int digits[10];
	for (int k = 0; k < 10; k++) {
		u128 acc = 0;
		int d = 0;
		for (int j = 0; j < 10; j++) {
			bool wrapped;
			acc = add_mod(acc, r, mb, &wrapped);
			d += wrapped;
		}
		digits[k] = d;
		r = acc;
	}
	if (q > (u128)NUMERIC_MAX / NUMERIC_SCALE)
		return numeric_overflow("/", a, b);
	u128 res = q;
	for (int k = 0; k < 9; k++)
		res = res * 10 + (u128)digits[k];
	if (digits[9] >= 5)
		res++;
	if (res > (u128)NUMERIC_MAX)
		return numeric_overflow("/", a, b);
	*out = (a < 0) != (b < 0) ? -(numeric_t)res : (numeric_t)res;
	return 0;
}

int numeric_from_int64(int64_t i, numeric_t *out)
{
	*out = (numeric_t)i * NUMERIC_SCALE; /* always within range */
	return 0;
}

double numeric_to_double(numeric_t n)
{
	/* Through the exact decimal text, so the double is the nearest one. */
	char tmp[48];
	numeric_text(n, tmp);
	return strtod(tmp, NULL);
}

int numeric_to_int64(numeric_t n, int64_t *out)
{
	u128 m = mag128(n);
	u128 q = (m + NUMERIC_SCALE / 2) / NUMERIC_SCALE;
	if (n >= 0 ? q > (u128)INT64_MAX : q > (u128)INT64_MAX + 1) {
		struct buf b = BUF_INIT;
		numeric_format(n, &b);
		int rc = error_setcode(PIPE_EUSAGE, "int64 overflow: %s", buf_cstr(&b));
		buf_free(&b);
		return rc;
	}
	*out = n < 0 ? (int64_t)(0 - (uint64_t)q) : (int64_t)q;
	return 0;
}
