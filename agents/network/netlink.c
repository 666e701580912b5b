/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kernel interfaces the agent needs, over rtnetlink with libmnl: a veth
 * pair per port (the dataplane opens one end with af_packet, a VM or a
 * namespace gets the other), brought up, and deleted with the port. TX
 * checksum offload is turned off with the ethtool ioctl, which has no
 * rtnetlink equivalent.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <linux/veth.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>

#include "common/log.h"
#include "network/netlink.h"

struct ag_nl {
	struct mnl_socket *sock;
	unsigned int portid;
	unsigned int seq;
	int ioctl_fd; /* for SIOCETHTOOL */
};

int ag_nl_open(struct ag_nl **out)
{
	struct ag_nl *nl = calloc(1, sizeof(*nl));
	int rc;

	if (nl == NULL)
		return -ENOMEM;
	nl->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (nl->sock == NULL || mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (unsigned int)time(NULL);
	nl->ioctl_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (nl->ioctl_fd < 0)
		goto fail;
	*out = nl;
	return 0;
fail:
	rc = -errno;
	if (nl->sock != NULL)
		mnl_socket_close(nl->sock);
	free(nl);
	return rc;
}

void ag_nl_close(struct ag_nl *nl)
{
	if (nl == NULL)
		return;
	mnl_socket_close(nl->sock);
	close(nl->ioctl_fd);
	free(nl);
}

/* Sends one request with NLM_F_ACK and returns the kernel's verdict (0 or -errno). */
static int nl_talk(struct ag_nl *nl, struct nlmsghdr *nlh)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned int seq = nlh->nlmsg_seq;
	ssize_t n;
	int rc;

	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		n = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		rc = mnl_cb_run(buf, (size_t)n, seq, nl->portid, NULL, NULL);
		if (rc <= MNL_CB_STOP)
			return rc < 0 ? -errno : 0;
	}
}

static struct nlmsghdr *link_msg(
                struct ag_nl *nl, char *buf, uint16_t type, uint16_t flags, struct ifinfomsg **ifm)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++nl->seq;
	*ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(**ifm));
	(*ifm)->ifi_family = AF_UNSPEC;
	return nlh;
}

static int veth_create(struct ag_nl *nl, const char *dp_if, const char *vm_if, uint16_t mtu)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct ifinfomsg *ifm, *peer;
	struct nlattr *linkinfo, *data, *peer_nest;
	struct nlmsghdr *nlh = link_msg(nl, buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifm);

	mnl_attr_put_strz(nlh, IFLA_IFNAME, dp_if);
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	/* The peer is described by its own ifinfomsg followed by its attributes. */
	peer_nest = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	peer = mnl_nlmsg_put_extra_header(nlh, sizeof(*peer));
	peer->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, vm_if);
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	mnl_attr_nest_end(nlh, peer_nest);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
	return nl_talk(nl, nlh);
}

static int link_set_up(struct ag_nl *nl, const char *ifname)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh = link_msg(nl, buf, RTM_NEWLINK, 0, &ifm);

	ifm->ifi_index = (int)if_nametoindex(ifname);
	if (ifm->ifi_index == 0)
		return -ENODEV;
	ifm->ifi_flags = IFF_UP;
	ifm->ifi_change = IFF_UP;
	return nl_talk(nl, nlh);
}

int ag_link_del(struct ag_nl *nl, const char *ifname)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh = link_msg(nl, buf, RTM_DELLINK, 0, &ifm);
	int rc;

	ifm->ifi_index = (int)if_nametoindex(ifname);
	if (ifm->ifi_index == 0)
		return 0;
	rc = nl_talk(nl, nlh);
	return rc == -ENODEV ? 0 : rc;
}

/*
 * The legacy ETHTOOL_STXCSUM request: the kernel maps it onto the
 * NETIF_F_CSUM_MASK features, as `ethtool -K IF tx off` does. The setting
 * stays with the device when it moves to another namespace.
 */
static int tx_csum_off(struct ag_nl *nl, const char *ifname)
{
	struct ethtool_value ev = {.cmd = ETHTOOL_STXCSUM, .data = 0};
	struct ifreq ifr = {0};

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&ev;
	return ioctl(nl->ioctl_fd, SIOCETHTOOL, &ifr) < 0 ? -errno : 0;
}

/* No router solicitations or DAD from the dataplane's end: it is a wire, not a host. */
static void ipv6_off(const char *ifname)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", ifname);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return; /* no IPv6 in this kernel: nothing to silence */
	if (write(fd, "1", 1) != 1)
		ag_log(AG_DEBUG, "%s: cannot disable IPv6: %s", ifname, strerror(errno));
	close(fd);
}

int ag_veth_ensure(struct ag_nl *nl, const char *dp_if, const char *vm_if, uint16_t mtu)
{
	int rc;

	if (if_nametoindex(dp_if) == 0) {
		rc = veth_create(nl, dp_if, vm_if, mtu);
		if (rc < 0 && rc != -EEXIST) {
			ag_log(AG_ERR, "veth %s/%s: %s", dp_if, vm_if, strerror(-rc));
			return rc;
		}
		/* The VM end may already be in a namespace by now; only the
		 * dataplane end is ours to set up after creation. */
		rc = tx_csum_off(nl, vm_if);
		if (rc < 0)
			ag_log(AG_WARN, "%s: cannot turn TX checksum offload off: %s", vm_if,
			                strerror(-rc));
		ag_log(AG_INFO, "created veth %s (dataplane) <-> %s (VM)", dp_if, vm_if);
	}
	rc = tx_csum_off(nl, dp_if);
	if (rc < 0)
		ag_log(AG_WARN, "%s: cannot turn TX checksum offload off: %s", dp_if,
		                strerror(-rc));
	ipv6_off(dp_if);
	rc = link_set_up(nl, dp_if);
	if (rc < 0)
		ag_log(AG_ERR, "%s: cannot set it up: %s", dp_if, strerror(-rc));
	return rc;
}
