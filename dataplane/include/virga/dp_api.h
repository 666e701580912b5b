/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The dataplane control protocol: fixed, versioned request/response structs
 * carried over a UNIX SOCK_SEQPACKET socket (one message per packet, so no
 * framing). Shared by virga-dataplane (server) and its clients: the `virga`
 * CLI, the node agent and virga-bench.
 *
 * Rules every request follows:
 *  - A request is `struct dp_msg_hdr` + the body of its type; the reply is
 *    `struct dp_reply_hdr` + the reply body (possibly empty).
 *  - `status` in the reply is 0 or a negative errno. A request that fails
 *    changes nothing.
 *  - Requests are idempotent: adds take `exist_ok`, deletes take
 *    `missing_ok`, so an agent can replay its whole desired state.
 *  - Every request carries the sender's generation number; the dataplane
 *    remembers the highest one it has seen and reports it in HELLO, so an
 *    agent can tell a dataplane it already programmed from a fresh one.
 *  - Names are NUL-terminated within their fixed arrays; a name that fills
 *    its array without a NUL is rejected with -EINVAL.
 *  - List requests are paged: the client sends a cursor (0 to start), the
 *    reply carries up to N entries and the cursor of the next page (0 when
 *    there is no next page).
 *
 * No pointers, no variable-length fields except the trailing entry arrays of
 * list replies, whose count is in the reply body. Integers are in host byte
 * order; IPv4 addresses are 4-byte arrays in network order (as inet_pton
 * writes them).
 */
#ifndef VIRGA_DP_API_H
#define VIRGA_DP_API_H

#include <stdint.h>

#define DP_API_MAGIC 0x56475250u /* "VGRP" */
#define DP_API_VERSION 1
#define DP_DEFAULT_SOCKET "/run/virga/dataplane.sock"
/* Largest message either side sends; list pages are sized to fit. */
#define DP_MSG_MAX 65536

#define DP_NAME_LEN 64
#define DP_PORT_NAME_LEN 32
#define DP_PHYSNET_LEN 32
#define DP_DEVARGS_LEN 256
#define DP_MAX_ADDRS 16
#define DP_MAX_PAIRS 16
/* Port ids are below DP_MAX_PORTS. Those below the DPDK build's RTE_MAX_ETHPORTS (32 in
 * Debian) are ethdevs, with the ethdev's own id; the ids above are vhost-user ports the
 * engine serves itself (DP_PORT_KIND_VHOST_USER), so they are not capped by it. */
#define DP_MAX_PORTS 1024

enum dp_msg_type {
	DP_MSG_HELLO = 1,
	DP_MSG_NETWORK_ADD,
	DP_MSG_NETWORK_DEL,
	DP_MSG_NETWORK_LIST,
	DP_MSG_PORT_ADD,
	DP_MSG_PORT_DEL,
	DP_MSG_PORT_ATTACH,
	DP_MSG_PORT_DETACH,
	DP_MSG_PORT_SECURITY,
	DP_MSG_PORT_LIST,
	DP_MSG_MAC_ADD,
	DP_MSG_MAC_DEL,
	DP_MSG_MAC_LIST,
	DP_MSG_STATS,
	DP_MSG_TRACE_SET,
	DP_MSG_TRACE_SHOW,
	DP_MSG_VTEP_SET,
	DP_MSG_VTEP_PEER_ADD,
	DP_MSG_VTEP_PEER_DEL,
	DP_MSG_VTEP_PEER_LIST,
	DP_MSG_NEIGH_LIST,
	DP_MSG_ROUTER_ADD,
	DP_MSG_ROUTER_DEL,
	DP_MSG_ROUTER_LIST,
	DP_MSG_ROUTER_IF_ADD,
	DP_MSG_ROUTER_IF_DEL,
	DP_MSG_ROUTE_ADD,
	DP_MSG_ROUTE_DEL,
	DP_MSG_ROUTE_LIST,
	DP_MSG_NEIGH_ADD,
	DP_MSG_NEIGH_DEL,
	DP_MSG_PORT_STATS,
	DP_MSG_SG_SET,
	DP_MSG_SG_LIST,
	DP_MSG_SG_RULES,
	DP_MSG_CT_LIST,
	DP_MSG_CT_STATS,
	DP_MSG_CT_FLUSH,
	DP_MSG_ROUTER_GW_SET,
	DP_MSG_ROUTER_GW_CLEAR,
	DP_MSG_FIP_ADD,
	DP_MSG_FIP_DEL,
	DP_MSG_FIP_LIST,
	DP_MSG_NAT_STATS,
	DP_MSG_DHCP_SET,
	DP_MSG_DHCP_DEL,
	DP_MSG_DHCP_LIST,
	DP_MSG_ROUTER_IF_MAC_SET,
	/* New types go here, before the end: a type's number never changes. */
	DP_MSG_TYPE_MAX,
};

struct dp_msg_hdr {
	uint32_t magic;
	uint16_t version;
	uint16_t type; /* enum dp_msg_type */
	uint32_t len;  /* body length in bytes, after this header */
	uint32_t seq;  /* echoed in the reply */
	uint64_t generation;
};

struct dp_reply_hdr {
	uint32_t magic;
	uint16_t version;
	uint16_t type; /* the request's type */
	uint32_t len;  /* body length in bytes, after this header */
	uint32_t seq;
	int32_t status; /* 0 or -errno */
	uint32_t reserved;
};

/* ---- HELLO: no request body ---- */
struct dp_hello_reply {
	uint64_t boot_id;	  /* random per dataplane start */
	uint64_t generation;	  /* highest generation seen from any client */
	uint64_t tsc_hz;
	uint32_t n_workers;
	uint32_t api_version;
};

/* ---- networks ---- */
enum dp_net_type {
	DP_NET_FLAT = 1,
	DP_NET_VLAN = 2,
	DP_NET_VXLAN = 3, /* seg_id is the VNI (1..2^24-1); no physnet */
};

struct dp_network_add_req {
	char name[DP_NAME_LEN];
	char physnet[DP_PHYSNET_LEN]; /* flat and vlan networks: the provider network */
	uint32_t seg_id;	      /* VLAN id (1..4094) or VNI */
	uint16_t mtu;		      /* L3 MTU; 0 = 1500 (1450 for VXLAN, as Neutron) */
	uint8_t type;		      /* enum dp_net_type */
	uint8_t exist_ok;	      /* same name and same type/physnet/seg_id: update mtu, return 0 */
};

struct dp_network_add_reply {
	uint16_t id;
	uint16_t reserved[3];
};

struct dp_network_del_req {
	char name[DP_NAME_LEN];
	uint8_t missing_ok;
	uint8_t reserved[7];
};

struct dp_network_info {
	char name[DP_NAME_LEN];
	char physnet[DP_PHYSNET_LEN];
	uint32_t seg_id;
	uint16_t id;
	uint16_t mtu;
	uint8_t type;
	uint8_t reserved[3];
	uint32_t n_ports; /* access ports attached (uplinks not counted) */
	uint32_t n_macs;  /* MAC table entries in this network */
};

struct dp_list_req {
	uint32_t cursor; /* 0 = first page */
	uint32_t reserved;
	char filter[DP_NAME_LEN]; /* MAC_LIST: network, ROUTE_LIST: router; "" = all */
};

struct dp_network_list_reply {
	uint32_t count;
	uint32_t next_cursor;
	struct dp_network_info entries[];
};

/* ---- ports ---- */
enum dp_port_mode {
	DP_PORT_DETACHED = 0,
	DP_PORT_ACCESS = 1, /* a VM's or namespace's port on one network */
	DP_PORT_UPLINK = 2, /* a provider trunk: flat (untagged) and VLAN networks of one physnet */
	DP_PORT_UNDERLAY = 3, /* carries VXLAN to other nodes: set by DP_MSG_VTEP_SET */
};

/* What is behind a port. 0 keeps the meaning older clients gave the request. */
enum dp_port_kind {
	DP_PORT_KIND_ETHDEV = 0, /* a DPDK device probed from devargs */
	/* A vhost-user socket, devargs its path: the engine is the client (QEMU, or any
	 * vhost-user server, listens) and reconnects whenever the server comes back, so
	 * the port exists, programmed, before and between its device's connections. */
	DP_PORT_KIND_VHOST_USER = 1,
};

struct dp_port_add_req {
	char name[DP_PORT_NAME_LEN];
	char devargs[DP_DEVARGS_LEN]; /* e.g. "net_af_packet0,iface=veth1", a PCI address,
				       * or a vhost-user socket path */
	uint16_t mtu;		      /* L3 MTU; 0 = 1500 */
	uint8_t exist_ok;	      /* same name, kind and devargs: update mtu, return 0 */
	uint8_t kind;		      /* enum dp_port_kind */
	uint8_t reserved[4];
};

struct dp_port_add_reply {
	uint16_t port_id;
	uint8_t mac[6];
};

struct dp_port_del_req {
	char name[DP_PORT_NAME_LEN];
	uint8_t missing_ok;
	uint8_t reserved[7];
};

struct dp_port_attach_req {
	char port[DP_PORT_NAME_LEN];
	char network[DP_NAME_LEN];    /* DP_PORT_ACCESS */
	char physnet[DP_PHYSNET_LEN]; /* DP_PORT_UPLINK */
	uint8_t mode;		      /* enum dp_port_mode */
	uint8_t reserved[7];
};

struct dp_port_detach_req {
	char port[DP_PORT_NAME_LEN];
};

struct dp_ip_prefix {
	uint8_t family; /* AF_INET or AF_INET6 */
	uint8_t prefixlen;
	uint8_t reserved[2];
	uint8_t addr[16]; /* network byte order; IPv4 in the first 4 bytes */
};

struct dp_addr_pair {
	uint8_t mac[6];
	uint8_t reserved[2];
	struct dp_ip_prefix ip;
};

/*
 * Port security, as Neutron means it: when enabled, the port may only send
 * frames from `mac` or a pair's MAC, and, if any addresses are given, IP
 * packets and ARP from those addresses (fixed IPs, then allowed address
 * pairs). DHCP discovery from 0.0.0.0 and IPv6 link-local are allowed.
 * Enabling it needs a unicast `mac` (-EINVAL otherwise). A port is created
 * with security on and no MAC: it forwards nothing until configured.
 */
struct dp_port_security_req {
	char port[DP_PORT_NAME_LEN];
	uint8_t enabled;
	uint8_t n_addrs;
	uint8_t n_pairs;
	uint8_t reserved;
	uint8_t mac[6];
	uint8_t reserved2[2];
	struct dp_ip_prefix addrs[DP_MAX_ADDRS];
	struct dp_addr_pair pairs[DP_MAX_PAIRS];
};

struct dp_port_info {
	char name[DP_PORT_NAME_LEN];
	char devargs[DP_DEVARGS_LEN];
	char network[DP_NAME_LEN];    /* access ports */
	char physnet[DP_PHYSNET_LEN]; /* uplinks */
	uint16_t port_id;
	uint16_t mtu;
	uint8_t mode; /* enum dp_port_mode */
	uint8_t security_enabled;
	uint8_t link_up;
	uint8_t n_addrs;
	uint8_t mac[6];		/* the device's own MAC */
	uint8_t allowed_mac[6]; /* port security MAC, zero when unset */
	uint8_t kind;		/* enum dp_port_kind; link_up: a vhost-user peer is connected */
	uint8_t reserved[3];	/* (was padding: the entry keeps its size) */
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t tx_packets;
	uint64_t tx_bytes;
	uint64_t rx_dropped; /* dropped by the pipeline after arriving here */
	uint64_t tx_dropped; /* the device refused them (queue full) */
};

struct dp_port_list_reply {
	uint32_t count;
	uint32_t next_cursor;
	struct dp_port_info entries[];
};

/* ---- MAC table ---- */
struct dp_mac_req {
	char network[DP_NAME_LEN];
	char port[DP_PORT_NAME_LEN]; /* MAC_ADD: a local port, or "" with remote_vtep */
	uint8_t mac[6];
	uint8_t exist_ok;	/* MAC_ADD */
	uint8_t missing_ok;	/* MAC_DEL */
	uint8_t remote_vtep[4]; /* MAC_ADD on a VXLAN network: the MAC is behind this VTEP
				 * (l2population); it must be a peer of the network */
};

struct dp_mac_info {
	char network[DP_NAME_LEN];
	char port[DP_PORT_NAME_LEN]; /* "" for a remote MAC */
	uint8_t mac[6];
	uint8_t is_static;
	uint8_t reserved;
	uint32_t age_sec; /* seconds since last seen; 0 for static entries */
	uint8_t remote_vtep[4]; /* for a remote MAC */
};

struct dp_mac_list_reply {
	uint32_t count;
	uint32_t next_cursor;
	struct dp_mac_info entries[];
};

/* ---- counters ---- */
#define DP_STATS_MAX_WORKERS 32
#define DP_STATS_MAX_DROPS 64
#define DP_DROP_NAME_LEN 32

struct dp_worker_stats {
	uint32_t lcore_id;
	uint32_t reserved;
	uint64_t busy_cycles; /* TSC cycles of loop iterations that moved packets */
	uint64_t idle_cycles; /* TSC cycles of loop iterations that found nothing */
	uint64_t packets;     /* packets received by this worker */
};

struct dp_drop_stats {
	char name[DP_DROP_NAME_LEN]; /* e.g. "spoofed_src", "mtu_exceeded" */
	uint64_t packets;
};

struct dp_stats_reply {
	uint64_t tsc_hz;
	uint32_t n_workers;
	uint32_t n_drops;
	struct dp_worker_stats workers[DP_STATS_MAX_WORKERS];
	struct dp_drop_stats drops[DP_STATS_MAX_DROPS];
};

/*
 * ---- per-port counters: PORT_STATS takes a struct dp_list_req (cursor only) ----
 * What the pipeline counted for each port (the counters of dp_port_info) and
 * what its device counted of frames the engine never saw (rte_eth_stats).
 * A message of its own rather than more fields in dp_port_info, so that
 * PORT_LIST keeps the entry size every client was built with; a dataplane
 * older than it answers -EOPNOTSUPP. Device counters a PMD does not keep
 * read 0.
 */
struct dp_port_stats {
	char name[DP_PORT_NAME_LEN];
	uint16_t port_id;
	uint8_t reserved[6];
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t tx_packets;
	uint64_t tx_bytes;
	uint64_t rx_dropped; /* dropped by the pipeline after arriving here */
	uint64_t tx_dropped; /* the device refused them (queue full) */
	/* Counted by the device, before or beside the engine: */
	uint64_t rx_missed; /* imissed: no room in the rx ring (the engine fell behind) */
	uint64_t rx_nombuf; /* rx_nombuf: no mbuf to receive into */
	uint64_t rx_errors; /* ierrors: frames received in error */
	uint64_t tx_errors; /* oerrors: frames the device failed to send */
};

struct dp_port_stats_reply {
	uint32_t count;
	uint32_t next_cursor;
	struct dp_port_stats entries[];
};

/* ---- packet trace: TRACE_SHOW takes a struct dp_list_req (cursor only) ---- */
struct dp_trace_set_req {
	uint8_t enabled;
	uint8_t reserved[3];
	uint32_t max_records; /* ring size; 0 = keep the current one (default 1024) */
};

#define DP_TRACE_TEXT_LEN 240
struct dp_trace_record {
	uint64_t seq;
	uint64_t tsc;
	uint32_t lcore_id;
	uint32_t reserved;
	char text[DP_TRACE_TEXT_LEN]; /* "port v1 net blue: 02:..>ff:.. vlan - -> flood (unknown unicast)" */
};

struct dp_trace_list_reply {
	uint32_t count;
	uint32_t next_cursor;
	struct dp_trace_record entries[];
};

/* ---- VXLAN (RFC 7348) ---- */
/*
 * The node's VTEP: one underlay port and the local address VXLAN leaves
 * from. The dataplane answers ARP for local_ip on that port and resolves
 * the underlay next hop (the peer itself on the local subnet, else gateway).
 */
struct dp_vtep_set_req {
	char port[DP_PORT_NAME_LEN];
	uint8_t local_ip[4];
	uint8_t gateway[4]; /* 0.0.0.0: every peer is on the local subnet */
	uint8_t prefixlen;
	uint8_t learning; /* learn inner source MACs of decapsulated frames */
	uint16_t udp_port; /* 0 = 4789 */
	uint8_t reserved[4];
};

/* A remote VTEP of a VXLAN network: where its broadcast/unknown frames go. */
struct dp_vtep_peer_req {
	char network[DP_NAME_LEN];
	uint8_t ip[4];
	uint8_t exist_ok;   /* PEER_ADD */
	uint8_t missing_ok; /* PEER_DEL */
	uint8_t reserved[2];
};

struct dp_vtep_peer_info {
	char network[DP_NAME_LEN];
	uint8_t ip[4];
	uint32_t vni;
};

struct dp_vtep_peer_list_reply {
	uint32_t count;
	uint32_t next_cursor;
	struct dp_vtep_peer_info entries[];
};

/* ---- neighbours (ARP) ---- */
enum dp_neigh_state {
	DP_NEIGH_INCOMPLETE = 1, /* asked, no answer yet */
	DP_NEIGH_REACHABLE = 2,
	DP_NEIGH_PERMANENT = 3, /* set by NEIGH_ADD: never aged, never overwritten by ARP */
};

/* A permanent neighbour, e.g. from the control plane's port list (like Neutron's
 * ARP responder), so the first frame to it need not wait for ARP. */
struct dp_neigh_req {
	char scope[DP_NAME_LEN]; /* "underlay", or a network with a router interface */
	uint8_t ip[4];
	uint8_t mac[6];	    /* NEIGH_ADD */
	uint8_t exist_ok;   /* NEIGH_ADD */
	uint8_t missing_ok; /* NEIGH_DEL */
};

struct dp_neigh_info {
	char scope[DP_NAME_LEN]; /* "underlay", or the network a router interface is on */
	uint8_t ip[4];
	uint8_t mac[6];
	uint8_t state; /* enum dp_neigh_state */
	uint8_t reserved;
	uint32_t age_sec;
};

struct dp_neigh_list_reply {
	uint32_t count;
	uint32_t next_cursor;
	struct dp_neigh_info entries[];
};

/* ---- IPv4 routers ---- */
/*
 * A router has its own routing table (tenant address spaces may overlap),
 * interfaces on networks (a gateway address and MAC on each), connected
 * routes for those, and static routes through next hops on them. The
 * dataplane answers ARP and ICMP echo for interface addresses, resolves
 * next hops by ARP, and sends ICMP errors (time exceeded, unreachable,
 * fragmentation needed), rate-limited.
 */
struct dp_router_req {
	char name[DP_NAME_LEN];
	uint32_t max_routes; /* ROUTER_ADD: capacity of its table; 0 = 1024 */
	uint8_t exist_ok;
	uint8_t missing_ok;
	uint8_t reserved[2];
};

struct dp_router_info {
	char name[DP_NAME_LEN];
	uint16_t id;
	uint16_t n_interfaces;
	uint32_t n_routes;
	uint32_t max_routes;
	uint32_t mem_kib; /* memory the router holds, KiB rounded up (its tables' whole size) */
};

struct dp_router_list_reply {
	uint32_t count;
	uint32_t next_cursor;
	struct dp_router_info entries[];
};

struct dp_router_if_req {
	char router[DP_NAME_LEN];
	char network[DP_NAME_LEN];
	uint8_t ip[4];	 /* the gateway address on that network */
	uint8_t prefixlen;
	uint8_t exist_ok;   /* IF_ADD */
	uint8_t missing_ok; /* IF_DEL */
	uint8_t reserved;
	uint8_t mac[6]; /* 00:00:00:00:00:00 = derive one */
	uint8_t reserved2[2];
};

/*
 * ROUTER_IF_MAC_SET (a dp_router_if_req; ip, prefixlen and the flags
 * unused): a second MAC the router's interface on that network takes frames
 * for, 00:00:00:00:00:00 for none; setting it again replaces it. It is how a
 * node that hosts a router's gateway is reached by the same router on other
 * nodes, which share the interface's own MAC (Neutron DVR's centralized
 * SNAT port: each of those nodes has a permanent neighbour for that MAC
 * behind this node's tunnel, and routes its external traffic to it). ARP is
 * never answered for it. The interface going takes it along.
 */

struct dp_route_req {
	char router[DP_NAME_LEN];
	uint8_t prefix[4];
	uint8_t prefixlen;
	uint8_t exist_ok;   /* ROUTE_ADD: same prefix and next hop */
	uint8_t missing_ok; /* ROUTE_DEL */
	uint8_t reserved;
	uint8_t nexthop[4]; /* ROUTE_ADD: on a connected subnet of the router */
};

struct dp_route_info {
	char router[DP_NAME_LEN];
	char network[DP_NAME_LEN]; /* the egress interface's network */
	uint8_t prefix[4];
	uint8_t prefixlen;
	uint8_t connected; /* 1: the subnet of an interface */
	uint8_t reserved[2];
	uint8_t nexthop[4]; /* 0.0.0.0 for connected routes */
};

struct dp_route_list_reply {
	uint32_t count;
	uint32_t next_cursor;
	struct dp_route_info entries[];
};

/* ---- security groups (Neutron's, as its OVS firewall driver enforces them) ---- */
/*
 * A port's filter is the rules of all its groups, flattened by the sender:
 * remote groups are expanded into one rule per member address (fixed IPs and
 * allowed address pairs), IPv4 and IPv6 apart. Once a port has a filter,
 * IP traffic to it (ingress) and from it (egress) is denied unless a rule
 * allows it; ARP, DHCP, IPv6 ND and link-local traffic for the port's own
 * addresses keep passing as port security allows. A stateful filter tracks
 * connections: a rule is checked for a connection's first packet, replies
 * and related ICMP errors pass. A stateless one checks every packet.
 *
 * SG_SET replaces the port's whole filter. A set larger than one message is
 * sent in chunks: offset 0 starts it (dropping any unfinished one), each
 * next chunk continues where the last ended, and the chunk that reaches
 * `total` applies the whole set at once; a chunk out of order is -EINVAL
 * and drops the unfinished set. Setting the same rules again changes
 * nothing. A new set ends, within a second, the tracked connections that
 * only rules of the old set allowed; the others continue. enabled = 0
 * removes the filter (total and rules ignored).
 */
#define DP_SG_RULES_PER_MSG 256
#define DP_SG_LABEL_LEN 48

enum dp_sg_direction {
	DP_SG_DIR_INGRESS = 0, /* to the port */
	DP_SG_DIR_EGRESS = 1,  /* from the port */
};

struct dp_sg_rule_spec {
	uint32_t id;	   /* the sender's number for the rule, unique in the port's set */
	uint8_t direction; /* enum dp_sg_direction */
	uint8_t family;	   /* AF_INET or AF_INET6 */
	uint8_t proto;	   /* IP protocol number; 0 = any */
	uint8_t prefixlen; /* of remote; 0 = any address */
	uint8_t remote[16]; /* the source of ingress, the destination of egress traffic */
	uint16_t port_min; /* TCP/UDP/SCTP destination ports, with has_ports */
	uint16_t port_max;
	uint8_t has_ports;
	uint8_t has_icmp_type; /* ICMP/ICMPv6: type (Neutron's port_range_min) */
	uint8_t has_icmp_code; /* and code (port_range_max); needs a type */
	uint8_t icmp_type;
	uint8_t icmp_code;
	uint8_t reserved[3];
	char label[DP_SG_LABEL_LEN]; /* for the packet trace: "4f2c... of group web" */
};

struct dp_sg_set_req {
	char port[DP_PORT_NAME_LEN];
	uint8_t enabled;
	uint8_t stateful;
	uint16_t n_rules; /* in this message, at most DP_SG_RULES_PER_MSG */
	uint32_t offset;  /* index of rules[0] in the whole set */
	uint32_t total;	  /* rules in the whole set */
	uint32_t reserved;
	struct dp_sg_rule_spec rules[];
};

/* SG_LIST takes a struct dp_list_req (cursor; filter = a port or ""). */
struct dp_sg_info {
	char port[DP_PORT_NAME_LEN];
	uint8_t stateful;
	uint8_t reserved[3];
	uint32_t n_rules;
	uint32_t generation;  /* moves on with every change of the port's rules */
	uint32_t connections; /* tracked connections the port's filter allowed */
};

struct dp_sg_list_reply {
	uint32_t count;
	uint32_t next_cursor;
	struct dp_sg_info entries[];
};

/* SG_RULES takes a struct dp_list_req whose filter is the port. */
struct dp_sg_rules_reply {
	uint32_t count;
	uint32_t next_cursor;
	struct dp_sg_rule_spec entries[];
};

/* ---- connection tracking ---- */
/*
 * Connections are tracked per network (the zone: overlapping tenant
 * addresses never meet) for ports with a stateful filter. The table's size
 * and the per-port limit are dataplane options; when either is reached new
 * connections are dropped and counted (ct_table_full, ct_port_limit), and
 * established ones are never evicted for them.
 */
enum dp_ct_state {
	DP_CT_ST_NONE = 0, /* not TCP */
	DP_CT_ST_SYN_SENT,
	DP_CT_ST_SYN_RECV,
	DP_CT_ST_ESTABLISHED,
	DP_CT_ST_FIN_WAIT,
	DP_CT_ST_CLOSE_WAIT,
	DP_CT_ST_LAST_ACK,
	DP_CT_ST_TIME_WAIT,
	DP_CT_ST_CLOSE,
	DP_CT_ST_SYN_SENT2,
};

/* CT_LIST takes a struct dp_list_req (cursor; filter = a port or ""). */
struct dp_ct_entry_info {
	char network[DP_NAME_LEN];
	char orig_port[DP_PORT_NAME_LEN]; /* whose egress filter allowed it; "" none */
	char resp_port[DP_PORT_NAME_LEN]; /* whose ingress filter allowed it; "" none */
	uint8_t family; /* AF_INET or AF_INET6 */
	uint8_t proto;
	uint8_t state;	 /* enum dp_ct_state */
	uint8_t replied; /* a reply was seen */
	uint8_t src[16]; /* the originator */
	uint8_t dst[16];
	uint16_t sport; /* ICMP echo: the identifier in both */
	uint16_t dport;
	uint32_t age_sec;     /* since the last packet */
	uint32_t expires_sec; /* from now, unless a packet comes */
	/* A connection SNAT translated (network: "router NAME"): what src:sport
	 * leaves as, and dst when it is a floating IP's fixed address (hairpin). */
	uint8_t nat;
	uint8_t nat_src[4];
	uint8_t nat_dst[4]; /* 0.0.0.0: dst unchanged */
	uint8_t reserved;
	uint16_t nat_sport;
	uint16_t reserved2;
};

struct dp_ct_list_reply {
	uint32_t count;
	uint32_t next_cursor;
	struct dp_ct_entry_info entries[];
};

/* CT_STATS: no request body. */
struct dp_ct_stats_reply {
	uint64_t entries;
	uint64_t max_entries;
	uint64_t created;
	uint64_t expired;
	uint64_t table_full;
	uint64_t port_limit;
	uint64_t invalid;
	uint32_t per_port_limit; /* 0: none */
	uint32_t reserved;
};

struct dp_ct_flush_req {
	char port[DP_PORT_NAME_LEN]; /* "": every connection */
};

struct dp_ct_flush_reply {
	uint32_t flushed;
	uint32_t reserved;
};

/* ---- router gateways, SNAT and floating IPs ---- */
/*
 * A router's gateway is one of its interfaces (ROUTER_IF_ADD on the external
 * network first): GW_SET marks it, announces its address by gratuitous ARP,
 * and with snat = 1 translates what leaves through it from the router's
 * other interfaces to the interface's address, the source port kept when
 * free, else taken from [port_min, port_max] (0, 0: 1024..65535). Its
 * default route is an ordinary ROUTE_ADD of 0.0.0.0/0. GW_SET again with
 * exist_ok changes snat and the range; connections translated before keep
 * their translation until they end. GW_CLEAR ends the translated
 * connections and the floating IPs of the router.
 */
struct dp_router_gw_req {
	char router[DP_NAME_LEN];
	char network[DP_NAME_LEN]; /* GW_SET: the external network, where the router has an interface */
	uint8_t snat;		   /* GW_SET: 1 = translate to the interface's address */
	uint8_t exist_ok;	   /* GW_SET */
	uint8_t missing_ok;	   /* GW_CLEAR */
	uint8_t reserved;
	uint16_t port_min; /* GW_SET: SNAT's source port range, inclusive */
	uint16_t port_max;
};

/*
 * A floating IP: 1:1 translation between an address of the router's gateway
 * network and a fixed address behind the router. Inbound traffic to fip is
 * sent to fixed_ip; what fixed_ip sends out through the gateway leaves from
 * fip (before, and instead of, the router's SNAT). The router answers ARP
 * for fip on the gateway network and announces it by gratuitous ARP when it
 * is added or moved. FIP_ADD of a fip the router has, with exist_ok, moves
 * it to the new fixed_ip. Needs the router's gateway (GW_SET).
 */
struct dp_fip_req {
	char router[DP_NAME_LEN];
	uint8_t fip[4];
	uint8_t fixed_ip[4]; /* FIP_ADD */
	uint8_t exist_ok;    /* FIP_ADD */
	uint8_t missing_ok;  /* FIP_DEL */
	uint8_t reserved[2];
};

/* FIP_LIST takes a struct dp_list_req (filter: router; "" = all). */
struct dp_fip_info {
	char router[DP_NAME_LEN];
	uint8_t fip[4];
	uint8_t fixed_ip[4];
	uint64_t packets_in;  /* translated to fixed_ip */
	uint64_t packets_out; /* translated to fip */
};

struct dp_fip_list_reply {
	uint32_t count;
	uint32_t next_cursor;
	struct dp_fip_info entries[];
};

/* NAT_STATS takes a struct dp_list_req (filter: router; "" = all): a row per
 * router with a gateway and protocol SNAT allocates ports for. */
struct dp_nat_stats_info {
	char router[DP_NAME_LEN];
	uint8_t gw_ip[4];
	uint8_t proto; /* IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP (echo identifiers) */
	uint8_t snat;  /* 0: the gateway routes without translation */
	uint8_t reserved[2];
	uint32_t ports_total;
	uint32_t ports_used;
	uint64_t exhausted; /* new connections refused: no free port (snat_ports_exhausted) */
	uint64_t over_90;   /* times ports_used rose past 90% of ports_total */
};

struct dp_nat_stats_reply {
	uint32_t count;
	uint32_t next_cursor;
	struct dp_nat_stats_info entries[];
};

/* ---- DHCP answered by the engine (DHCP_SET, DHCP_DEL, DHCP_LIST) ----
 * One entry per port: the engine answers DHCP from that port's MAC only, with
 * exactly this configuration (fixed IP, as Neutron's DHCP agent: no pool).
 * Answers come from server_ip and MAC 02:76:<server_ip>, which the engine
 * also answers ARP for on the port (unless a router interface has that
 * address). Once any port of a network has an entry, the engine is that
 * network's DHCP server: requests from its ports without one are dropped and
 * counted (dhcp_no_entry); on other networks DHCP is switched as any traffic.
 * DHCP_SET needs the port (-ENOENT), refuses an entry it has without exist_ok
 * (-EEXIST) and addresses that do not fit the subnet (-EINVAL); the entry
 * goes with the port. Each port is answered at most 50 times a second
 * (burst 100), the rest dropped as dhcp_rate_limited. */
#define DP_DHCP_MAX_DNS 4
#define DP_DHCP_MAX_ROUTES 8
#define DP_DHCP_HOSTNAME_LEN 64
#define DP_DHCP_DOMAIN_LEN 64

struct dp_dhcp_route {
	uint8_t dest[4];
	uint8_t nexthop[4];
	uint8_t prefix_len; /* 0..32 */
	uint8_t reserved[3];
};

struct dp_dhcp_set_req {
	char port[DP_PORT_NAME_LEN];
	uint8_t mac[6];	      /* chaddr the port's DISCOVER/REQUEST must carry */
	uint8_t prefix_len;   /* option 1, 1..30 */
	uint8_t dns_count;    /* entries used in dns[] (option 6) */
	uint8_t ip[4];	      /* yiaddr: the port's fixed IPv4 */
	uint8_t gateway[4];   /* option 3; 0.0.0.0 = none */
	uint8_t server_ip[4]; /* option 54 and the reply's source: the subnet's DHCP port */
	uint8_t dns[DP_DHCP_MAX_DNS][4];
	struct dp_dhcp_route routes[DP_DHCP_MAX_ROUTES]; /* option 121 */
	uint8_t route_count;
	uint8_t exist_ok; /* same port: replace its configuration, return 0 */
	uint16_t mtu;	  /* option 26; 0 = leave out */
	uint32_t lease_time; /* seconds, option 51 (0: 86400); 58/59 at 1/2 and 7/8 of it */
	char hostname[DP_DHCP_HOSTNAME_LEN]; /* option 12; "" = leave out */
	char domain[DP_DHCP_DOMAIN_LEN];     /* option 15; "" = leave out */
};

struct dp_dhcp_del_req {
	char port[DP_PORT_NAME_LEN];
	uint8_t missing_ok;
	uint8_t reserved[7];
};

/* DHCP_LIST takes a struct dp_list_req (filter: port; "" = all). Counters are
 * summed over workers; drops by reason are in the drop counters. */
struct dp_dhcp_info {
	struct dp_dhcp_set_req conf; /* exist_ok reads 0 */
	uint32_t reserved;	     /* conf is 300 bytes: the counters start 8-aligned */
	uint64_t discovers;
	uint64_t requests;
	uint64_t informs;
	uint64_t releases;
	uint64_t declines;
	uint64_t offers;
	uint64_t acks;
	uint64_t naks;
	uint64_t rate_limited;
};

struct dp_dhcp_list_reply {
	uint32_t count;
	uint32_t next_cursor;
	struct dp_dhcp_info entries[];
};

#endif /* VIRGA_DP_API_H */
