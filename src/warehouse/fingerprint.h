/* fingerprint: FARM_FINGERPRINT's hash of bytes, the same on every
 * machine and in every version (BigQuery's). */
#ifndef PIPE_FINGERPRINT_H
#define PIPE_FINGERPRINT_H

#include <stddef.h>
#include <stdint.h>

/* FarmHash's Fingerprint64 of s[0..len): BigQuery's FARM_FINGERPRINT is
 * this as a signed INT64. */
uint64_t farm_fingerprint64(const char *s, size_t len);

#endif
