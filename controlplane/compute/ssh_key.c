/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OpenSSH's encodings of an Ed25519 key pair (PROTOCOL.key in OpenSSH's
 * sources; RFC 8709 for the public key blob), and Nova's fingerprint of a
 * public key (MD5 of the decoded blob, colon-separated hex).
 */
#include "compute.h"
#include "../image/md5.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A growing byte buffer of SSH wire strings. */
struct wire {
	unsigned char b[512];
	size_t n;
};

static void put_u32(struct wire *w, uint32_t v)
{
	w->b[w->n++] = (unsigned char)(v >> 24);
	w->b[w->n++] = (unsigned char)(v >> 16);
	w->b[w->n++] = (unsigned char)(v >> 8);
	w->b[w->n++] = (unsigned char)v;
}

static void put_str(struct wire *w, const void *s, size_t len)
{
	put_u32(w, (uint32_t)len);
	memcpy(w->b + w->n, s, len);
	w->n += len;
}

static void public_blob(struct wire *w, const unsigned char pk[32])
{
	put_str(w, "ssh-ed25519", 11);
	put_str(w, pk, 32);
}

static char *base64(const unsigned char *b, size_t n)
{
	size_t len = sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL);
	char *out = malloc(len);

	return out ? sodium_bin2base64(out, len, b, n, sodium_base64_VARIANT_ORIGINAL) : NULL;
}

char *cp_ssh_ed25519_public(const unsigned char pk[32], const char *comment)
{
	struct wire w = {.n = 0};
	char *b64, *line = NULL;

	public_blob(&w, pk);
	b64 = base64(w.b, w.n);
	if (b64 && asprintf(&line, "ssh-ed25519 %s %s", b64, comment) < 0)
		line = NULL;
	free(b64);
	return line;
}

char *cp_ssh_ed25519_private(const unsigned char pk[32], const unsigned char sk[64],
		const char *comment)
{
	struct wire w = {.n = 0}, priv = {.n = 0}, pub = {.n = 0};
	size_t clen = strlen(comment) > 128 ? 128 : strlen(comment);
	uint32_t check = randombytes_random();
	char *b64, *out, *o;
	size_t len;

	public_blob(&pub, pk);
	/* The private section: check ints, key, comment, padding to the block (8). */
	put_u32(&priv, check);
	put_u32(&priv, check);
	put_str(&priv, "ssh-ed25519", 11);
	put_str(&priv, pk, 32);
	put_str(&priv, sk, 64);
	put_str(&priv, comment, clen);
	for (unsigned char pad = 1; priv.n % 8; pad++)
		priv.b[priv.n++] = pad;
	memcpy(w.b, "openssh-key-v1", 15); /* with its NUL */
	w.n = 15;
	put_str(&w, "none", 4); /* cipher */
	put_str(&w, "none", 4); /* kdf */
	put_str(&w, "", 0);	/* kdf options */
	put_u32(&w, 1);		/* one key */
	put_str(&w, pub.b, pub.n);
	put_str(&w, priv.b, priv.n);
	sodium_memzero(priv.b, sizeof(priv.b));
	b64 = base64(w.b, w.n);
	sodium_memzero(w.b, sizeof(w.b));
	if (b64 == NULL)
		return NULL;
	len = strlen(b64);
	out = malloc(len + len / 70 + 80);
	if (out != NULL) {
		o = out + sprintf(out, "-----BEGIN OPENSSH PRIVATE KEY-----\n");
		for (size_t i = 0; i < len; i += 70)
			o += sprintf(o, "%.70s\n", b64 + i);
		sprintf(o, "-----END OPENSSH PRIVATE KEY-----\n");
	}
	sodium_memzero(b64, len);
	free(b64);
	return out;
}

int cp_ssh_fingerprint(const char *public_key, char fp[48])
{
	const char *b64 = strchr(public_key, ' '), *end;
	unsigned char blob[2048], digest[CP_MD5_LEN];
	size_t n;
	struct cp_md5 m;
	uint32_t tlen;

	if (b64 == NULL || (strncmp(public_key, "ssh-", 4) != 0 &&
					   strncmp(public_key, "ecdsa-", 6) != 0))
		return -EINVAL;
	b64++;
	end = strchr(b64, ' ');
	if (sodium_base642bin(blob, sizeof(blob), b64, end ? (size_t)(end - b64) : strlen(b64),
			    "\n\r", &n, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
			n < 4)
		return -EINVAL;
	/* The blob names its own type first, as the line does. */
	tlen = (uint32_t)blob[0] << 24 | blob[1] << 16 | blob[2] << 8 | blob[3];
	if (tlen + 4 > n || tlen != (size_t)(b64 - 1 - public_key) ||
			memcmp(blob + 4, public_key, tlen) != 0)
		return -EINVAL;
	cp_md5_init(&m);
	cp_md5_update(&m, blob, n);
	cp_md5_final(&m, digest);
	for (int i = 0; i < CP_MD5_LEN; i++)
		sprintf(fp + (i ? 3 * i - 1 : 0), i ? ":%02x" : "%02x", digest[i]);
	return 0;
}
