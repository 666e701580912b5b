/* SPDX-License-Identifier: Apache-2.0 */
/*
 * DHCPv4 messages (RFC 2131, options RFC 2132 and RFC 3442), without the
 * frame around them: parse a client's BOOTREQUEST with every length checked,
 * and build the server's BOOTREPLY. Pure functions over byte buffers, no
 * tables and no mbufs, so the unit tests compare their bytes to reference
 * ones.
 *
 * Safe on the packet path (no allocation, bounded loops) and on the control
 * thread (dp_dhcp_options_build runs there, once per DHCP_SET).
 */
#ifndef VIRGA_DP_DHCP_PROTO_H
#define VIRGA_DP_DHCP_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include <virga/dp_api.h>

#include "core/dp_drop.h"

#define DP_DHCP_SERVER_PORT 67
#define DP_DHCP_CLIENT_PORT 68
#define DP_DHCP_FIXED_LEN 236 /* op .. file, before the magic cookie (RFC 2131 2) */
#define DP_DHCP_MIN_LEN 300   /* what BOOTP relays and old clients expect (RFC 1542 2.1) */
#define DP_DHCP_FLAG_BROADCAST 0x8000

/* Option 53 (RFC 2132 9.6). */
enum dp_dhcp_msg {
	DP_DHCP_DISCOVER = 1,
	DP_DHCP_OFFER = 2,
	DP_DHCP_REQUEST = 3,
	DP_DHCP_DECLINE = 4,
	DP_DHCP_ACK = 5,
	DP_DHCP_NAK = 6,
	DP_DHCP_RELEASE = 7,
	DP_DHCP_INFORM = 8,
};

/* What a server needs from a request. Addresses in network byte order. */
struct dp_dhcp_request {
	uint8_t type; /* enum dp_dhcp_msg */
	uint8_t xid[4];
	uint16_t flags; /* host order */
	uint32_t ciaddr;
	uint32_t giaddr;
	uint8_t chaddr[16];
	uint32_t requested_ip; /* option 50; 0: absent */
	uint32_t server_id;    /* option 54; 0: absent */
};

/*
 * Parses the BOOTP message of len bytes at msg. Returns DP_DROP_REASON_MAX when
 * it is a well-formed client request, else why it is not: truncated (the fixed
 * part, or an option running past the end, or no end option), bad op (not a
 * BOOTREQUEST), bad htype / hlen (not Ethernet's 1 / 6), bad cookie, or no
 * usable message type (option 53 absent, or a server's type).
 */
enum dp_drop_reason dp_dhcp_parse(const uint8_t *msg, size_t len, struct dp_dhcp_request *out);

/*
 * The options every OFFER and ACK of a port carries, from its configuration:
 * 1 subnet mask, 3 router, 6 DNS, 12 host name, 15 domain, 26 MTU, 121
 * classless routes (with the default route through the gateway first when
 * there is one: RFC 3442 makes clients that take 121 ignore option 3). No end
 * option. Returns the length written, -EINVAL for a configuration that cannot
 * be encoded, -ENOSPC when room is too small (DP_DHCP_OPTS_MAX is enough).
 */
#define DP_DHCP_OPTS_MAX 320
int dp_dhcp_options_build(const struct dp_dhcp_set_req *conf, uint8_t *buf, size_t room);

/* One reply: which type, to which request, with what. */
struct dp_dhcp_reply {
	uint8_t type;        /* DP_DHCP_OFFER, DP_DHCP_ACK or DP_DHCP_NAK */
	uint32_t yiaddr;     /* 0 for a NAK and the ACK of an INFORM */
	uint32_t server_ip;  /* option 54 */
	uint32_t lease;      /* seconds; 0: no options 51, 58, 59 (INFORM, NAK) */
	const uint8_t *opts; /* from dp_dhcp_options_build; NULL for a NAK */
	size_t opts_len;
};

/* The largest message dp_dhcp_reply_build writes. */
#define DP_DHCP_REPLY_MAX (DP_DHCP_FIXED_LEN + 4 + 3 + 6 + 3 * 6 + DP_DHCP_OPTS_MAX + 1)

/*
 * Writes the BOOTREPLY for q into buf (at least DP_DHCP_REPLY_MAX bytes):
 * xid, flags, giaddr and chaddr copied from the request, ciaddr too for an ACK
 * (RFC 2131 table 3), the options in order 53, 54, 51, 58, 59, then opts, then
 * end, padded with zeros to DP_DHCP_MIN_LEN. Returns its length.
 */
size_t dp_dhcp_reply_build(
                const struct dp_dhcp_reply *r, const struct dp_dhcp_request *q, uint8_t *buf);

/*
 * What the server answers to q for a port whose fixed address is ip and whose
 * server is server_ip (RFC 2131 4.3): DISCOVER -> OFFER; REQUEST -> ACK, or NAK
 * when it asks for another address, or 0 (no answer) when it chose another
 * server; INFORM -> ACK; RELEASE, DECLINE -> 0.
 */
uint8_t dp_dhcp_answer_type(const struct dp_dhcp_request *q, uint32_t ip, uint32_t server_ip);

#endif
