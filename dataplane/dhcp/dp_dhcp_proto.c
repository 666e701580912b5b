/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <rte_byteorder.h>

#include "dp_dhcp_proto.h"

/* Offsets in the fixed part (RFC 2131 2, figure 1). */
#define OFF_OP 0
#define OFF_HTYPE 1
#define OFF_HLEN 2
#define OFF_XID 4
#define OFF_FLAGS 10
#define OFF_CIADDR 12
#define OFF_YIADDR 16
#define OFF_SIADDR 20
#define OFF_GIADDR 24
#define OFF_CHADDR 28
#define OFF_COOKIE DP_DHCP_FIXED_LEN
#define OFF_OPTIONS (DP_DHCP_FIXED_LEN + 4)

#define BOOTREQUEST 1
#define BOOTREPLY 2
#define HTYPE_ETHER 1 /* RFC 1700, ARP hardware types */

/* Option codes (RFC 2132, RFC 3442). */
enum {
	OPT_PAD = 0,
	OPT_SUBNET_MASK = 1,
	OPT_ROUTER = 3,
	OPT_DNS = 6,
	OPT_HOSTNAME = 12,
	OPT_DOMAIN = 15,
	OPT_MTU = 26,
	OPT_REQUESTED_IP = 50,
	OPT_LEASE = 51,
	OPT_MSG_TYPE = 53,
	OPT_SERVER_ID = 54,
	OPT_T1 = 58,
	OPT_T2 = 59,
	OPT_CLASSLESS_ROUTES = 121,
	OPT_END = 255,
};

static const uint8_t magic_cookie[4] = {99, 130, 83, 99}; /* RFC 2131 3 */

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* Reads the options of a 4-byte or 1-byte kind the server looks at. */
static enum dp_drop_reason take_option(
                uint8_t code, const uint8_t *v, uint8_t len, struct dp_dhcp_request *out)
{
	switch (code) {
	case OPT_MSG_TYPE:
		if (len != 1)
			return DP_DROP_DHCP_BAD_OPTION;
		out->type = v[0];
		break;
	case OPT_REQUESTED_IP:
	case OPT_SERVER_ID:
		if (len != 4)
			return DP_DROP_DHCP_BAD_OPTION;
		if (code == OPT_REQUESTED_IP)
			out->requested_ip = get32(v);
		else
			out->server_id = get32(v);
		break;
	default:
		break;
	}
	return DP_DROP_REASON_MAX;
}

enum dp_drop_reason dp_dhcp_parse(const uint8_t *msg, size_t len, struct dp_dhcp_request *out)
{
	size_t i = OFF_OPTIONS;

	memset(out, 0, sizeof(*out));
	if (len < OFF_OPTIONS)
		return DP_DROP_DHCP_TRUNCATED;
	if (msg[OFF_OP] != BOOTREQUEST)
		return DP_DROP_DHCP_BAD_OP;
	if (msg[OFF_HTYPE] != HTYPE_ETHER)
		return DP_DROP_DHCP_BAD_HTYPE;
	if (msg[OFF_HLEN] != 6)
		return DP_DROP_DHCP_BAD_HLEN;
	/* Without the cookie it is plain BOOTP (RFC 951), which the engine does not serve. */
	if (memcmp(msg + OFF_COOKIE, magic_cookie, 4) != 0)
		return DP_DROP_DHCP_BAD_COOKIE;
	memcpy(out->xid, msg + OFF_XID, 4);
	out->flags = (uint16_t)(msg[OFF_FLAGS] << 8 | msg[OFF_FLAGS + 1]);
	out->ciaddr = get32(msg + OFF_CIADDR);
	out->giaddr = get32(msg + OFF_GIADDR);
	memcpy(out->chaddr, msg + OFF_CHADDR, sizeof(out->chaddr));

	/* RFC 2132 2: options are code, length, value, up to the end option, which a
	 * well-formed message has. Overloaded sname/file (option 52) are not read: the
	 * server needs none of what a client would put there. */
	for (;;) {
		enum dp_drop_reason r;
		uint8_t code, olen;

		if (i >= len)
			return DP_DROP_DHCP_TRUNCATED;
		code = msg[i];
		if (code == OPT_END)
			break;
		if (code == OPT_PAD) {
			i++;
			continue;
		}
		if (i + 2 > len || i + 2 + msg[i + 1] > len)
			return DP_DROP_DHCP_TRUNCATED;
		olen = msg[i + 1];
		r = take_option(code, msg + i + 2, olen, out);
		if (r != DP_DROP_REASON_MAX)
			return r;
		i += 2 + (size_t)olen;
	}
	switch (out->type) {
	case DP_DHCP_DISCOVER:
	case DP_DHCP_REQUEST:
	case DP_DHCP_DECLINE:
	case DP_DHCP_RELEASE:
	case DP_DHCP_INFORM:
		return DP_DROP_REASON_MAX;
	default:
		return DP_DROP_DHCP_BAD_MSG_TYPE; /* absent (0), or one only servers send */
	}
}

/* Appends option code with len bytes of v; false when it does not fit in room. */
static bool put(uint8_t *buf, size_t room, size_t *at, uint8_t code, const void *v, size_t len)
{
	if (len > 255 || *at + 2 + len > room)
		return false;
	buf[*at] = code;
	buf[*at + 1] = (uint8_t)len;
	memcpy(buf + *at + 2, v, len);
	*at += 2 + len;
	return true;
}

static bool put32(uint8_t *buf, size_t room, size_t *at, uint8_t code, uint32_t host_order)
{
	uint32_t be = rte_cpu_to_be_32(host_order);

	return put(buf, room, at, code, &be, 4);
}

/* One RFC 3442 descriptor: width, the significant octets of the destination, router. */
static size_t route_encode(uint8_t *out, const uint8_t dest[4], uint8_t plen, const uint8_t nh[4])
{
	size_t n = (plen + 7u) / 8u;

	out[0] = plen;
	memcpy(out + 1, dest, n);
	memcpy(out + 1 + n, nh, 4);
	return 1 + n + 4;
}

/* Whether dest has bits set past its prefix (RFC 3442 says they are zero). */
static bool host_bits(const uint8_t dest[4], uint8_t plen)
{
	uint32_t d = rte_be_to_cpu_32(get32(dest));

	return plen < 32 && (d & (0xffffffffu >> plen)) != 0;
}

static int routes_build(const struct dp_dhcp_set_req *c, uint8_t *buf, size_t room, size_t *at)
{
	uint8_t v[9 * (DP_DHCP_MAX_ROUTES + 1)];
	size_t n = 0;
	bool has_default = false;

	if (c->route_count > DP_DHCP_MAX_ROUTES)
		return -EINVAL;
	for (unsigned int i = 0; i < c->route_count; i++)
		has_default |= c->routes[i].prefix_len == 0;
	if (get32(c->gateway) != 0 && !has_default) {
		static const uint8_t any[4];

		n += route_encode(v + n, any, 0, c->gateway);
	}
	for (unsigned int i = 0; i < c->route_count; i++) {
		const struct dp_dhcp_route *r = &c->routes[i];

		if (r->prefix_len > 32 || host_bits(r->dest, r->prefix_len) ||
		                get32(r->nexthop) == 0)
			return -EINVAL;
		n += route_encode(v + n, r->dest, r->prefix_len, r->nexthop);
	}
	if (n && !put(buf, room, at, OPT_CLASSLESS_ROUTES, v, n))
		return -ENOSPC;
	return 0;
}

/* A string option of at most cap bytes with its NUL; "" leaves it out. */
static int put_string(
                uint8_t *buf, size_t room, size_t *at, uint8_t code, const char *s, size_t cap)
{
	size_t len = strnlen(s, cap);

	if (len == cap)
		return -EINVAL;
	if (len && !put(buf, room, at, code, s, len))
		return -ENOSPC;
	return 0;
}

int dp_dhcp_options_build(const struct dp_dhcp_set_req *c, uint8_t *buf, size_t room)
{
	size_t at = 0;
	int rc;

	if (c->prefix_len < 1 || c->prefix_len > 30 || c->dns_count > DP_DHCP_MAX_DNS ||
	                (c->mtu != 0 && c->mtu < 68)) /* RFC 2132 5.1: 68 at least */
		return -EINVAL;
	if (!put32(buf, room, &at, OPT_SUBNET_MASK, ~0u << (32 - c->prefix_len)))
		return -ENOSPC;
	if (get32(c->gateway) != 0 && !put(buf, room, &at, OPT_ROUTER, c->gateway, 4))
		return -ENOSPC;
	if (c->dns_count && !put(buf, room, &at, OPT_DNS, c->dns, 4u * c->dns_count))
		return -ENOSPC;
	rc = put_string(buf, room, &at, OPT_HOSTNAME, c->hostname, sizeof(c->hostname));
	if (rc == 0)
		rc = put_string(buf, room, &at, OPT_DOMAIN, c->domain, sizeof(c->domain));
	if (rc < 0)
		return rc;
	if (c->mtu) {
		uint16_t mtu = rte_cpu_to_be_16(c->mtu);

		if (!put(buf, room, &at, OPT_MTU, &mtu, 2))
			return -ENOSPC;
	}
	rc = routes_build(c, buf, room, &at);
	return rc < 0 ? rc : (int)at;
}

size_t dp_dhcp_reply_build(
                const struct dp_dhcp_reply *r, const struct dp_dhcp_request *q, uint8_t *buf)
{
	const size_t room = DP_DHCP_REPLY_MAX;
	size_t at = OFF_OPTIONS;
	uint8_t type = r->type;

	memset(buf, 0, OFF_OPTIONS);
	buf[OFF_OP] = BOOTREPLY;
	buf[OFF_HTYPE] = HTYPE_ETHER;
	buf[OFF_HLEN] = 6;
	memcpy(buf + OFF_XID, q->xid, 4);
	buf[OFF_FLAGS] = (uint8_t)(q->flags >> 8);
	buf[OFF_FLAGS + 1] = (uint8_t)q->flags;
	/* RFC 2131 table 3: ciaddr is the request's in an ACK, 0 in an OFFER or NAK. */
	if (type == DP_DHCP_ACK)
		memcpy(buf + OFF_CIADDR, &q->ciaddr, 4);
	memcpy(buf + OFF_YIADDR, &r->yiaddr, 4);
	memcpy(buf + OFF_GIADDR, &q->giaddr, 4);
	memcpy(buf + OFF_CHADDR, q->chaddr, sizeof(q->chaddr));
	memcpy(buf + OFF_COOKIE, magic_cookie, 4);

	/* Each fits: DP_DHCP_REPLY_MAX counts them all, and opts_len <= DP_DHCP_OPTS_MAX. */
	put(buf, room, &at, OPT_MSG_TYPE, &type, 1);
	put(buf, room, &at, OPT_SERVER_ID, &r->server_ip, 4);
	if (r->lease) {
		put32(buf, room, &at, OPT_LEASE, r->lease);
		/* RFC 2131 4.4.5: renew at half the lease, rebind at 7/8; an infinite
		 * lease is never renewed. */
		if (r->lease != UINT32_MAX) {
			put32(buf, room, &at, OPT_T1, r->lease / 2);
			put32(buf, room, &at, OPT_T2, (uint32_t)((uint64_t)r->lease * 7 / 8));
		}
	}
	if (r->opts != NULL && r->opts_len <= DP_DHCP_OPTS_MAX) {
		memcpy(buf + at, r->opts, r->opts_len);
		at += r->opts_len;
	}
	buf[at++] = OPT_END;
	if (at < DP_DHCP_MIN_LEN) {
		memset(buf + at, 0, DP_DHCP_MIN_LEN - at);
		at = DP_DHCP_MIN_LEN;
	}
	return at;
}

uint8_t dp_dhcp_answer_type(const struct dp_dhcp_request *q, uint32_t ip, uint32_t server_ip)
{
	switch (q->type) {
	case DP_DHCP_DISCOVER:
		return DP_DHCP_OFFER;
	case DP_DHCP_INFORM:
		return DP_DHCP_ACK;
	case DP_DHCP_REQUEST:
		/* SELECTING: the server identifier names the server the client chose; another
		 * one's means our offer was declined, and we stay silent (RFC 2131 4.3.2). */
		if (q->server_id != 0 && q->server_id != server_ip)
			return 0;
		/* SELECTING and INIT-REBOOT ask in option 50, RENEWING and REBINDING by ciaddr:
		 * anything but the port's address is wrong, and NAKed. */
		if (q->requested_ip != 0)
			return q->requested_ip == ip ? DP_DHCP_ACK : DP_DHCP_NAK;
		return q->ciaddr == ip ? DP_DHCP_ACK : DP_DHCP_NAK;
	default:
		return 0; /* RELEASE, DECLINE: nothing to say */
	}
}
