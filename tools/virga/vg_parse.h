/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Text <-> protocol values for the CLI: MAC and IPv4 addresses, IP prefixes,
 * bounded numbers and names. Parsers return 0 or -EINVAL (-ENAMETOOLONG for names)
 * and leave the output untouched on failure.
 */
#ifndef VG_PARSE_H
#define VG_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <virga/dp_api.h>

/* "aa:bb:cc:dd:ee:ff" plus the NUL. */
#define VG_MAC_STRLEN 18
/* An IPv6 address, "/128" and the NUL. */
#define VG_PREFIX_STRLEN 50

/* Six pairs of hex digits separated by ':' (or all by '-'). */
int vg_parse_mac(const char *s, uint8_t mac[6]);
char *vg_format_mac(const uint8_t mac[6], char buf[VG_MAC_STRLEN]);
bool vg_mac_is_zero(const uint8_t mac[6]);

/* "a.b.c.d" plus the NUL. */
#define VG_IP4_STRLEN 16

/* A dotted-quad IPv4 address (the protocol's uint8_t[4], network byte order). */
int vg_parse_ip4(const char *s, uint8_t ip[4]);
char *vg_format_ip4(const uint8_t ip[4], char buf[VG_IP4_STRLEN]);
bool vg_ip4_is_zero(const uint8_t ip[4]);

/* "ADDR" or "ADDR/LEN", IPv4 or IPv6; without /LEN the prefix is a host (/32, /128). */
int vg_parse_prefix(const char *s, struct dp_ip_prefix *p);
/* "ADDR/LEN"; "?" for a family the CLI does not know. */
char *vg_format_prefix(const struct dp_ip_prefix *p, char buf[VG_PREFIX_STRLEN]);

/* A decimal number within [min, max]. */
int vg_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);

/* An L3 MTU: 68 (the smallest IPv4 allows, RFC 791) to 65535. */
int vg_parse_mtu(const char *s, uint16_t *mtu);

/* Copies a non-empty name that fits, NUL included, in a protocol array of cap bytes. */
int vg_copy_name(char *dst, size_t cap, const char *name);

#endif /* VG_PARSE_H */
