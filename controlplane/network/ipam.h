/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Addresses, CIDRs and allocation pools, IPv4 and IPv6 alike (addresses are
 * 128-bit integers; IPv4 uses the low 32 bits). Pure functions, unit-tested
 * in tests/api/test_ipam.c; the database side is in subnet.c and port.c.
 */
#ifndef CP_IPAM_H
#define CP_IPAM_H

#include <stdbool.h>
#include <stddef.h>
#include <netinet/in.h>

typedef unsigned __int128 cp_u128;

struct cp_cidr {
	int family; /* AF_INET or AF_INET6 */
	cp_u128 net;
	int prefix;
};

struct cp_pool {
	cp_u128 start, end; /* inclusive */
};

#define CP_IP_STRLEN INET6_ADDRSTRLEN

/* "10.0.0.1" or "fd00::1" -> family and value; 0 or -EINVAL. */
int cp_ip_parse(const char *s, int *family, cp_u128 *out);
void cp_ip_format(int family, cp_u128 v, char out[CP_IP_STRLEN]);
/* "10.0.0.0/24"; with strict, host bits must be zero (Neutron refuses
 * "10.0.0.1/24" for a subnet). 0 or -EINVAL. */
int cp_cidr_parse(const char *s, struct cp_cidr *out, bool strict);
void cp_cidr_format(const struct cp_cidr *c, char out[CP_IP_STRLEN + 4]);
bool cp_cidr_contains(const struct cp_cidr *c, int family, cp_u128 ip);
bool cp_cidr_overlap(const struct cp_cidr *a, const struct cp_cidr *b);
/* First and last address of the block. */
cp_u128 cp_cidr_first(const struct cp_cidr *c);
cp_u128 cp_cidr_last(const struct cp_cidr *c);
/* Addresses a host may use: IPv4 excludes network and broadcast (except
 * for /31 and /32), IPv6 excludes the subnet-router anycast address. */
bool cp_cidr_host_range(const struct cp_cidr *c, cp_u128 *first, cp_u128 *last);

/* Default pools: the host range minus the gateway (when has_gw). Returns
 * the number of pools (0..2). */
int cp_ipam_default_pools(const struct cp_cidr *c, bool has_gw, cp_u128 gw, struct cp_pool *out);
/* Checks user pools: inside the CIDR's host range, start <= end, no
 * overlap, gateway outside. 0, -EINVAL (bad pool) or -EEXIST (gateway in a
 * pool). */
int cp_ipam_check_pools(const struct cp_cidr *c, const struct cp_pool *pools, int n, bool has_gw,
	cp_u128 gw);
/* The lowest address in the pools that is not in used[] (sorted
 * ascending). 0, or -ENOSPC when the pools are exhausted. */
int cp_ipam_next_free(const struct cp_pool *pools, int n, const cp_u128 *used, size_t n_used,
	cp_u128 *out);
/* Sorts addresses ascending (for next_free). */
void cp_ipam_sort(cp_u128 *v, size_t n);

#endif
