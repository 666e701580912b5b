/* SPDX-License-Identifier: Apache-2.0 */
/*
 * DHCP requests for the tests, as a client writes them (RFC 2131 2): the
 * fixed part, the cookie, then the options given, then end. Header only: the
 * proto tests and the stage tests share it.
 */
#ifndef VIRGA_DHCP_TEST_H
#define VIRGA_DHCP_TEST_H

#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

/* A dotted IPv4 address into a protocol array (network byte order). */
static inline void test_dhcp_ip(uint8_t dst[4], const char *s)
{
	inet_pton(AF_INET, s, dst);
}

#define TEST_DHCP_ROOM 576 /* RFC 2131 2: what every client accepts */

/* A request of `type` from chaddr with xid 0x01020304; opts (olen bytes: code, len,
 * value...) after option 53. Returns its length (padded to 300, as clients do). */
static inline size_t test_dhcp_request(uint8_t *buf, uint8_t type, const uint8_t chaddr[6],
                uint16_t flags, const char *ciaddr, const uint8_t *opts, size_t olen)
{
	static const uint8_t cookie[4] = {99, 130, 83, 99};
	size_t at = 240;
	uint32_t ci = 0;

	memset(buf, 0, TEST_DHCP_ROOM);
	buf[0] = 1; /* BOOTREQUEST */
	buf[1] = 1;
	buf[2] = 6;
	buf[4] = 1, buf[5] = 2, buf[6] = 3, buf[7] = 4;
	buf[10] = (uint8_t)(flags >> 8);
	buf[11] = (uint8_t)flags;
	if (ciaddr != NULL)
		inet_pton(AF_INET, ciaddr, &ci);
	memcpy(buf + 12, &ci, 4);
	memcpy(buf + 28, chaddr, 6);
	memcpy(buf + 236, cookie, 4);
	buf[at++] = 53;
	buf[at++] = 1;
	buf[at++] = type;
	memcpy(buf + at, opts, olen);
	at += olen;
	buf[at++] = 255;
	return at < 300 ? 300 : at;
}

#endif
