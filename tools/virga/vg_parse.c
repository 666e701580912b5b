/* SPDX-License-Identifier: Apache-2.0 */
/* Text <-> protocol values: MAC and IPv4 addresses, IP prefixes, numbers, names. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "vg_parse.h"

static int vg_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int vg_parse_mac(const char *s, uint8_t mac[6])
{
	uint8_t out[6];
	char sep;
	int hi, lo;

	if (strlen(s) != VG_MAC_STRLEN - 1)
		return -EINVAL;
	sep = s[2];
	if (sep != ':' && sep != '-')
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		const char *p = s + i * 3;

		hi = vg_hex_digit(p[0]);
		lo = vg_hex_digit(p[1]);
		if (hi < 0 || lo < 0 || (i < 5 && p[2] != sep))
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	memcpy(mac, out, sizeof(out));
	return 0;
}

char *vg_format_mac(const uint8_t mac[6], char buf[VG_MAC_STRLEN])
{
	snprintf(buf, VG_MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
			mac[3], mac[4], mac[5]);
	return buf;
}

bool vg_mac_is_zero(const uint8_t mac[6])
{
	static const uint8_t zero[6];

	return memcmp(mac, zero, sizeof(zero)) == 0;
}

int vg_parse_ip4(const char *s, uint8_t ip[4])
{
	uint8_t out[4];

	/* inet_pton takes only the four-part dotted decimal form: no "10.1", no hex. */
	if (inet_pton(AF_INET, s, out) != 1)
		return -EINVAL;
	memcpy(ip, out, sizeof(out));
	return 0;
}

char *vg_format_ip4(const uint8_t ip[4], char buf[VG_IP4_STRLEN])
{
	snprintf(buf, VG_IP4_STRLEN, "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
	return buf;
}

bool vg_ip4_is_zero(const uint8_t ip[4])
{
	return ip[0] == 0 && ip[1] == 0 && ip[2] == 0 && ip[3] == 0;
}

int vg_parse_prefix(const char *s, struct dp_ip_prefix *p)
{
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t addr_len = slash != NULL ? (size_t)(slash - s) : strlen(s);
	struct dp_ip_prefix out = {0};
	uint32_t len, max;

	if (addr_len == 0 || addr_len >= sizeof(addr))
		return -EINVAL;
	memcpy(addr, s, addr_len);
	addr[addr_len] = '\0';

	if (inet_pton(AF_INET, addr, out.addr) == 1) {
		out.family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, addr, out.addr) == 1) {
		out.family = AF_INET6;
		max = 128;
	} else {
		return -EINVAL;
	}
	len = max;
	if (slash != NULL && vg_parse_u32(slash + 1, 0, max, &len) < 0)
		return -EINVAL;
	out.prefixlen = (uint8_t)len;
	*p = out;
	return 0;
}

char *vg_format_prefix(const struct dp_ip_prefix *p, char buf[VG_PREFIX_STRLEN])
{
	char addr[INET6_ADDRSTRLEN];

	if ((p->family != AF_INET && p->family != AF_INET6) ||
			inet_ntop(p->family, p->addr, addr, sizeof(addr)) == NULL) {
		snprintf(buf, VG_PREFIX_STRLEN, "?");
		return buf;
	}
	snprintf(buf, VG_PREFIX_STRLEN, "%s/%u", addr, p->prefixlen);
	return buf;
}

int vg_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	unsigned long long v;
	char *end;

	/* strtoull would take " 12", "+12" and "-1" (as a huge number). */
	if (!isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

int vg_parse_mtu(const char *s, uint16_t *mtu)
{
	uint32_t v;

	if (vg_parse_u32(s, 68, UINT16_MAX, &v) < 0)
		return -EINVAL;
	*mtu = (uint16_t)v;
	return 0;
}

int vg_copy_name(char *dst, size_t cap, const char *name)
{
	size_t len = strlen(name);

	if (len == 0)
		return -EINVAL;
	/* The dataplane rejects a name that fills its array: keep room for the NUL. */
	if (len >= cap)
		return -ENAMETOOLONG;
	memcpy(dst, name, len + 1);
	return 0;
}
