/* SPDX-License-Identifier: Apache-2.0 */
/*
 * MD5 (RFC 1321), for Glance's legacy "checksum" field only: clients still
 * compare it with md5sum. Not for anything that needs a secure hash (the
 * image's os_hash_value is SHA-512, from libsodium). Incremental, so an
 * upload is hashed chunk by chunk as it streams. Pure, any thread.
 */
#ifndef CP_MD5_H
#define CP_MD5_H

#include <stddef.h>
#include <stdint.h>

#define CP_MD5_LEN 16

struct cp_md5 {
	uint32_t state[4];
	uint64_t bytes; /* message length so far */
	uint8_t buf[64];
};

void cp_md5_init(struct cp_md5 *m);
void cp_md5_update(struct cp_md5 *m, const void *data, size_t len);
void cp_md5_final(struct cp_md5 *m, uint8_t out[CP_MD5_LEN]);
/* Lower-case hex of a digest of len bytes into out (2 * len + 1 bytes). */
void cp_hex(const uint8_t *digest, size_t len, char *out);

#endif
