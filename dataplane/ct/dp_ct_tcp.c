/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The TCP state machine of connection tracking, and the timeouts of every
 * state: Linux's (net/netfilter/nf_conntrack_proto_tcp.c, tcp_conntracks and
 * tcp_timeouts), because they are what users of Neutron's security groups
 * already live with.
 *
 * We are a middlebox: we see both directions' segments (when the path is
 * symmetric) but not what the hosts received, so a state is our guess of where
 * the sender is. The table is indexed by the packet's direction, the event its
 * flags make (dp_ct_tcp_event) and the current state. Two results are not
 * states: INVALID (the segment cannot belong to the connection in that state:
 * drop it) and IGNORE (it may be valid, e.g. a late retransmission, and the
 * receiver will answer it with an RST or a challenge ACK that tells: let it
 * pass without moving or refreshing the state).
 *
 * Not taken from Linux: its window tracking (see ct/dp_ct.h), its memory of
 * an ignored SYN to accept the SYN/ACK answering it, and its retransmission
 * counters (TCP_CONNTRACK_RETRANS, UNACK timeouts).
 */
#include <netinet/in.h>

#include "dp_ct.h"

#define sNO DP_CT_TCP_NONE
#define sSS DP_CT_TCP_SYN_SENT
#define sSR DP_CT_TCP_SYN_RECV
#define sES DP_CT_TCP_ESTABLISHED
#define sFW DP_CT_TCP_FIN_WAIT
#define sCW DP_CT_TCP_CLOSE_WAIT
#define sLA DP_CT_TCP_LAST_ACK
#define sTW DP_CT_TCP_TIME_WAIT
#define sCL DP_CT_TCP_CLOSE
#define sS2 DP_CT_TCP_SYN_SENT2
#define sIV DP_CT_TCP_INVALID
#define sIG DP_CT_TCP_IGNORE

/* clang-format off */
const uint8_t dp_ct_tcp_table[2][DP_CT_TCP_N_EVENTS][DP_CT_TCP_N_STATES] = {
[DP_CT_DIR_ORIGINAL] = {
	/*                       sNO  sSS  sSR  sES  sFW  sCW  sLA  sTW  sCL  sS2 */
	/*
	 * A SYN opens (sNO), is retransmitted (sSS, sS2), or reopens a connection
	 * that ended (sTW, sCL: RFC 1122 4.2.2.13 lets a host accept a new SYN in
	 * TIME-WAIT). In the middle of a connection the receiver answers it with a
	 * challenge ACK (RFC 5961 4) or an RST: ignore it.
	 */
	[DP_CT_TCP_EV_SYN]    = {sSS, sSS, sIG, sIG, sIG, sIG, sIG, sSS, sSS, sS2},
	/* The opener answers a SYN only in a simultaneous open (sS2), maybe twice (sSR). */
	[DP_CT_TCP_EV_SYNACK] = {sIV, sIV, sSR, sIV, sIV, sIV, sIV, sIV, sIV, sSR},
	/* No FIN before the handshake answered; a second FIN (either side) waits for the last ACK. */
	[DP_CT_TCP_EV_FIN]    = {sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV},
	/*
	 * An ACK completes the handshake (sSR), answers a FIN (sFW -> sCW) or the
	 * last FIN (sLA -> sTW). From sNO: loose pickup only (dp_ct_tcp_start).
	 * In sSS the opener cannot ACK what it has not received.
	 */
	[DP_CT_TCP_EV_ACK]    = {sES, sIV, sES, sES, sCW, sCW, sTW, sTW, sCL, sIV},
	/* An RST ends the connection in any state; it cannot open one. */
	[DP_CT_TCP_EV_RST]    = {sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL},
	[DP_CT_TCP_EV_NONE]   = {sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV},
},
[DP_CT_DIR_REPLY] = {
	/*                       sNO  sSS  sSR  sES  sFW  sCW  sLA  sTW  sCL  sS2 */
	/*
	 * The responder's SYN: a simultaneous open (sSS, retransmitted in sS2), or
	 * it reopens after TIME-WAIT with the roles swapped (sTW; dp_ct_update
	 * then ends the entry so that a new one opens). Anything else is not a
	 * SYN a responder sends.
	 */
	[DP_CT_TCP_EV_SYN]    = {sIV, sS2, sIV, sIV, sIV, sIV, sIV, sSS, sIV, sS2},
	/* The normal answer (sSS) or a simultaneous open's; late copies are ignored. */
	[DP_CT_TCP_EV_SYNACK] = {sIV, sSR, sIG, sIG, sIG, sIG, sIG, sIG, sIG, sSR},
	[DP_CT_TCP_EV_FIN]    = {sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV},
	/*
	 * In sSS/sS2 an ACK from the responder may be about an older connection
	 * (half-open on its side): ignore it. In sSR it may answer a late SYN.
	 */
	[DP_CT_TCP_EV_ACK]    = {sIV, sIG, sSR, sES, sCW, sCW, sTW, sTW, sCL, sIG},
	[DP_CT_TCP_EV_RST]    = {sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL},
	[DP_CT_TCP_EV_NONE]   = {sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV},
},
};
/* clang-format on */

#define F_FIN 0x01
#define F_SYN 0x02
#define F_RST 0x04
#define F_ACK 0x10
#define F_URG 0x20

/*
 * What a TCP may send: after its SYN every segment carries ACK (a receiver
 * drops one without, RFC 9293 3.10.7.4). SYN|FIN, SYN|RST, FIN without ACK,
 * no flag at all... are scans or attacks; they make the event NONE, invalid
 * in every state.
 */
/* clang-format off */
const uint8_t dp_ct_tcp_valid_flags[0x38] = {
	[F_SYN] = 1,
	[F_SYN | F_URG] = 1,
	[F_SYN | F_ACK] = 1,
	[F_RST] = 1,
	[F_RST | F_ACK] = 1,
	[F_FIN | F_ACK] = 1,
	[F_FIN | F_ACK | F_URG] = 1,
	[F_ACK] = 1,
	[F_ACK | F_URG] = 1,
};

/*
 * Seconds. TCP: nf_conntrack_tcp_timeout_*. UDP: nf_conntrack_udp_timeout
 * (30) until a reply, nf_conntrack_udp_timeout_stream (120) after. SCTP has
 * no state machine here: 30 s until a reply, then Linux's established SCTP
 * timeout (210 s; associations send a heartbeat every 30 s by default, RFC
 * 9260 8.3). ICMP echo: nf_conntrack_icmp_timeout. Other protocols:
 * nf_conntrack_generic_timeout.
 */
const uint32_t dp_ct_timeouts[DP_CT_L4_MAX][DP_CT_TCP_N_STATES] = {
	[DP_CT_L4_TCP] = {
		[DP_CT_TCP_SYN_SENT] = 120,
		[DP_CT_TCP_SYN_RECV] = 60,
		[DP_CT_TCP_ESTABLISHED] = 432000, /* 5 days */
		[DP_CT_TCP_FIN_WAIT] = 120,
		[DP_CT_TCP_CLOSE_WAIT] = 60,
		[DP_CT_TCP_LAST_ACK] = 30,
		[DP_CT_TCP_TIME_WAIT] = 120,
		[DP_CT_TCP_CLOSE] = 10,
		[DP_CT_TCP_SYN_SENT2] = 120,
	},
	[DP_CT_L4_UDP] = {[DP_CT_UNREPLIED] = 30, [DP_CT_REPLIED] = 120},
	[DP_CT_L4_SCTP] = {[DP_CT_UNREPLIED] = 30, [DP_CT_REPLIED] = 210},
	[DP_CT_L4_ICMP] = {[DP_CT_UNREPLIED] = 30, [DP_CT_REPLIED] = 30},
	[DP_CT_L4_OTHER] = {[DP_CT_UNREPLIED] = 600, [DP_CT_REPLIED] = 600},
};
/* clang-format on */

static const char *const tcp_names[DP_CT_TCP_N_STATES] = {
		[DP_CT_TCP_NONE] = "NONE",
		[DP_CT_TCP_SYN_SENT] = "SYN_SENT",
		[DP_CT_TCP_SYN_RECV] = "SYN_RECV",
		[DP_CT_TCP_ESTABLISHED] = "ESTABLISHED",
		[DP_CT_TCP_FIN_WAIT] = "FIN_WAIT",
		[DP_CT_TCP_CLOSE_WAIT] = "CLOSE_WAIT",
		[DP_CT_TCP_LAST_ACK] = "LAST_ACK",
		[DP_CT_TCP_TIME_WAIT] = "TIME_WAIT",
		[DP_CT_TCP_CLOSE] = "CLOSE",
		[DP_CT_TCP_SYN_SENT2] = "SYN_SENT2",
};

const char *dp_ct_state_name(uint8_t l4, uint8_t state)
{
	if (l4 == DP_CT_L4_TCP)
		return state < DP_CT_TCP_N_STATES ? tcp_names[state] : "?";
	if (state == DP_CT_UNREPLIED)
		return "UNREPLIED";
	if (state == DP_CT_REPLIED)
		return "REPLIED";
	return "?";
}
