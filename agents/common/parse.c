/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading the names and addresses the controller sends, as both halves
 * need them: MACs, IP prefixes, and Neutron UUIDs (the ids of what the
 * agent owns in the dataplane and in libvirt). Pure functions.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/parse.h"

int ag_parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char tail;

	if (s == NULL || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
	                    &tail) != 6)
		return -EINVAL;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

int ag_parse_prefix(const char *s, struct dp_ip_prefix *p)
{
	char addr[64];
	const char *slash = strchr(s, '/');
	long len = -1;

	memset(p, 0, sizeof(*p));
	snprintf(addr, sizeof(addr), "%.*s", slash ? (int)(slash - s) : (int)strlen(s), s);
	if (slash != NULL) {
		char *end;

		len = strtol(slash + 1, &end, 10);
		if (*end != '\0' || end == slash + 1)
			return -EINVAL;
	}
	if (inet_pton(AF_INET, addr, p->addr) == 1) {
		p->family = AF_INET;
		p->prefixlen = len < 0 ? 32 : (uint8_t)len;
		return len > 32 ? -EINVAL : 0;
	}
	if (inet_pton(AF_INET6, addr, p->addr) == 1) {
		p->family = AF_INET6;
		p->prefixlen = len < 0 ? 128 : (uint8_t)len;
		return len > 128 ? -EINVAL : 0;
	}
	return -EINVAL;
}

bool ag_is_uuid(const char *name)
{
	if (strlen(name) != 36)
		return false;
	for (int i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? name[i] != '-' : !isxdigit((unsigned char)name[i]))
			return false;
	}
	return true;
}
