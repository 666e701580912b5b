/* SPDX-License-Identifier: Apache-2.0 */
#include "ipam.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cp_ip_parse(const char *s, int *family, cp_u128 *out)
{
	uint8_t b[16];
	cp_u128 v = 0;

	if (!s)
		return -EINVAL;
	if (inet_pton(AF_INET, s, b) == 1) {
		*family = AF_INET;
		for (int i = 0; i < 4; i++)
			v = (v << 8) | b[i];
	} else if (inet_pton(AF_INET6, s, b) == 1) {
		*family = AF_INET6;
		for (int i = 0; i < 16; i++)
			v = (v << 8) | b[i];
	} else {
		return -EINVAL;
	}
	*out = v;
	return 0;
}

void cp_ip_format(int family, cp_u128 v, char out[CP_IP_STRLEN])
{
	uint8_t b[16];
	int n = family == AF_INET ? 4 : 16;

	for (int i = n - 1; i >= 0; i--) {
		b[i] = (uint8_t)(v & 0xff);
		v >>= 8;
	}
	inet_ntop(family, b, out, CP_IP_STRLEN);
}

static int width(int family)
{
	return family == AF_INET ? 32 : 128;
}

static cp_u128 host_mask(int family, int prefix)
{
	int bits = width(family) - prefix;

	return bits >= 128 ? ~(cp_u128)0 : (((cp_u128)1 << bits) - 1);
}

int cp_cidr_parse(const char *s, struct cp_cidr *out, bool strict)
{
	char addr[CP_IP_STRLEN + 8];
	const char *slash = s ? strchr(s, '/') : NULL;
	char *end;
	long prefix;

	if (!slash || (size_t)(slash - s) >= sizeof(addr))
		return -EINVAL;
	memcpy(addr, s, (size_t)(slash - s));
	addr[slash - s] = '\0';
	if (cp_ip_parse(addr, &out->family, &out->net))
		return -EINVAL;
	if (!slash[1])
		return -EINVAL;
	prefix = strtol(slash + 1, &end, 10);
	if (*end || prefix < 0 || prefix > width(out->family))
		return -EINVAL;
	out->prefix = (int)prefix;
	if (strict && (out->net & host_mask(out->family, out->prefix)))
		return -EINVAL;
	out->net &= ~host_mask(out->family, out->prefix);
	if (out->family == AF_INET)
		out->net &= 0xffffffffu;
	return 0;
}

void cp_cidr_format(const struct cp_cidr *c, char out[CP_IP_STRLEN + 4])
{
	char ip[CP_IP_STRLEN];

	cp_ip_format(c->family, c->net, ip);
	snprintf(out, CP_IP_STRLEN + 4, "%s/%d", ip, c->prefix);
}

cp_u128 cp_cidr_first(const struct cp_cidr *c)
{
	return c->net;
}

cp_u128 cp_cidr_last(const struct cp_cidr *c)
{
	return c->net | host_mask(c->family, c->prefix);
}

bool cp_cidr_contains(const struct cp_cidr *c, int family, cp_u128 ip)
{
	return family == c->family && ip >= cp_cidr_first(c) && ip <= cp_cidr_last(c);
}

bool cp_cidr_overlap(const struct cp_cidr *a, const struct cp_cidr *b)
{
	return a->family == b->family && cp_cidr_first(a) <= cp_cidr_last(b) &&
		cp_cidr_first(b) <= cp_cidr_last(a);
}

bool cp_cidr_host_range(const struct cp_cidr *c, cp_u128 *first, cp_u128 *last)
{
	int bits = width(c->family) - c->prefix;

	*first = cp_cidr_first(c);
	*last = cp_cidr_last(c);
	if (c->family == AF_INET && bits < 2)
		return true; /* RFC 3021 /31 and /32: every address is a host */
	/* IPv4: network and broadcast; IPv6: the subnet-router anycast
	 * address (RFC 4291 2.6.1) is the network address. */
	(*first)++;
	if (c->family == AF_INET)
		(*last)--;
	return *first <= *last;
}

int cp_ipam_default_pools(const struct cp_cidr *c, bool has_gw, cp_u128 gw, struct cp_pool *out)
{
	cp_u128 first, last;
	int n = 0;

	if (!cp_cidr_host_range(c, &first, &last))
		return 0;
	if (!has_gw || gw < first || gw > last) {
		out[n++] = (struct cp_pool){first, last};
		return n;
	}
	if (gw > first)
		out[n++] = (struct cp_pool){first, gw - 1};
	if (gw < last)
		out[n++] = (struct cp_pool){gw + 1, last};
	return n;
}

int cp_ipam_check_pools(const struct cp_cidr *c, const struct cp_pool *pools, int n, bool has_gw,
	cp_u128 gw)
{
	cp_u128 first, last;

	if (!cp_cidr_host_range(c, &first, &last) && n > 0)
		return -EINVAL;
	for (int i = 0; i < n; i++) {
		if (pools[i].start > pools[i].end || pools[i].start < first || pools[i].end > last)
			return -EINVAL;
		for (int j = 0; j < i; j++)
			if (pools[i].start <= pools[j].end && pools[j].start <= pools[i].end)
				return -EINVAL;
		if (has_gw && gw >= pools[i].start && gw <= pools[i].end)
			return -EEXIST;
	}
	return 0;
}

int cp_ipam_next_free(const struct cp_pool *pools, int n, const cp_u128 *used, size_t n_used,
	cp_u128 *out)
{
	for (int p = 0; p < n; p++) {
		cp_u128 cand = pools[p].start;
		size_t lo = 0, hi = n_used;

		/* First used address >= the pool start. */
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;

			if (used[mid] < cand)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t i = lo; i < n_used && used[i] == cand && cand <= pools[p].end; i++)
			cand++;
		if (cand <= pools[p].end) {
			*out = cand;
			return 0;
		}
	}
	return -ENOSPC;
}

static int cmp_u128(const void *a, const void *b)
{
	cp_u128 x = *(const cp_u128 *)a, y = *(const cp_u128 *)b;

	return x < y ? -1 : x > y;
}

void cp_ipam_sort(cp_u128 *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_u128);
}
