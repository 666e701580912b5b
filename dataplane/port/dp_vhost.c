/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The devices behind vhost-user ports (dp_vhost.h): sockets registered with
 * DPDK's vhost library in client mode, and its callbacks, which run on the
 * library's own thread and publish or take back a device's vid for the workers.
 * The socket table is shared by that thread and the control thread, under a
 * mutex: callbacks are rare, and none is on the packet path.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>

#include <linux/virtio_net.h>
#include <rte_rcu_qsbr.h>

#include "core/dp_log.h"
#include "engine/dp_tables.h"
#include "dp_vhost.h"

struct dp_vhost_dev dp_vhost_devs[DP_MAX_VHOST] = {[0 ... DP_MAX_VHOST - 1] = {.vid = -1}};

struct vhost_sock {
	bool used;
	char path[DP_DEVARGS_LEN];
	uint64_t enabled_rx[2]; /* queue pairs whose guest rx vring is enabled, by bit */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct vhost_sock socks[DP_MAX_VHOST];

/*
 * Offloads the pipeline does not handle: with them a guest would send partial
 * checksums and 64 KB TSO frames, and expect them back. Without, every frame
 * is a plain Ethernet frame both ways, as from an ethdev port.
 */
#define OFFLOADS                                                                          \
	((1ULL << VIRTIO_NET_F_CSUM) | (1ULL << VIRTIO_NET_F_GUEST_CSUM) |                 \
			(1ULL << VIRTIO_NET_F_GUEST_TSO4) | (1ULL << VIRTIO_NET_F_GUEST_TSO6) | \
			(1ULL << VIRTIO_NET_F_GUEST_ECN) | (1ULL << VIRTIO_NET_F_GUEST_UFO) |   \
			(1ULL << VIRTIO_NET_F_HOST_TSO4) | (1ULL << VIRTIO_NET_F_HOST_TSO6) |   \
			(1ULL << VIRTIO_NET_F_HOST_ECN) | (1ULL << VIRTIO_NET_F_HOST_UFO))

/* Under lock: the socket slot of the device vid, or -1. */
static int slot_of(int vid)
{
	char path[DP_DEVARGS_LEN];

	if (rte_vhost_get_ifname(vid, path, sizeof(path)) < 0)
		return -1;
	for (int i = 0; i < DP_MAX_VHOST; i++)
		if (socks[i].used && strcmp(socks[i].path, path) == 0)
			return i;
	return -1;
}

/* Queue pairs a guest uses are enabled from 0 up (virtio 1.1 5.1.6.5.5). */
static uint16_t enabled_pairs(const struct vhost_sock *s, uint16_t n_vrings)
{
	uint16_t n = 0;

	while (n < n_vrings / 2 && n < 128 && (s->enabled_rx[n / 64] >> (n % 64)) & 1)
		n++;
	/* Before the guest says (some never do), the first pair. */
	return n ? n : 1;
}

static int new_device(int vid)
{
	uint16_t n_vrings = rte_vhost_get_vring_num(vid), n_qp;
	struct dp_vhost_dev *d;
	int i;

	pthread_mutex_lock(&lock);
	i = slot_of(vid);
	if (i < 0 || n_vrings < 2) {
		pthread_mutex_unlock(&lock);
		return -1;
	}
	d = &dp_vhost_devs[i];
	/* Workers poll: the guest need not kick the engine when it sends. */
	for (uint16_t q = 0; q < n_vrings; q++)
		rte_vhost_enable_guest_notification(vid, q, 0);
	n_qp = enabled_pairs(&socks[i], n_vrings);
	__atomic_store_n(&d->n_qp, n_qp, __ATOMIC_RELAXED);
	__atomic_store_n(&d->vid, vid, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&lock);
	DP_LOG(INFO, "vhost-user port id %u: device %d connected, %u queue pairs",
			DP_VHOST_FIRST_ID + i, vid, n_qp);
	return 0;
}

static void destroy_device(int vid)
{
	int i;

	pthread_mutex_lock(&lock);
	i = slot_of(vid);
	if (i >= 0 && dp_vhost_devs[i].vid == vid) {
		__atomic_store_n(&dp_vhost_devs[i].vid, -1, __ATOMIC_RELEASE);
		/* The next device enables its own queues. */
		memset(socks[i].enabled_rx, 0, sizeof(socks[i].enabled_rx));
	} else {
		i = -1;
	}
	pthread_mutex_unlock(&lock);
	if (i < 0)
		return;
	/* The library unmaps the vrings when this returns: no worker may be inside one. */
	rte_rcu_qsbr_synchronize(dp_tables.rcu, RTE_QSBR_THRID_INVALID);
	DP_LOG(INFO, "vhost-user port id %u: device %d disconnected", DP_VHOST_FIRST_ID + i, vid);
}

static int vring_state_changed(int vid, uint16_t queue_id, int enable)
{
	uint16_t qp = queue_id / 2;
	int i;

	/* Only the guest's rx vrings (where the engine enqueues) decide where to send. */
	if (queue_id % 2 != DP_VHOST_GUEST_RXQ || qp >= 128)
		return 0;
	uint16_t was = 0, now = 0;

	pthread_mutex_lock(&lock);
	i = slot_of(vid);
	if (i >= 0) {
		struct vhost_sock *s = &socks[i];
		struct dp_vhost_dev *d = &dp_vhost_devs[i];

		if (enable)
			s->enabled_rx[qp / 64] |= 1ULL << (qp % 64);
		else
			s->enabled_rx[qp / 64] &= ~(1ULL << (qp % 64));
		/* Every vring below the device's count exists until destroy_device, so
		 * workers may switch to any of them at once. */
		if (d->vid == vid) {
			was = d->n_qp;
			now = enabled_pairs(s, rte_vhost_get_vring_num(vid));
			__atomic_store_n(&d->n_qp, now, __ATOMIC_RELAXED);
		}
	}
	pthread_mutex_unlock(&lock);
	if (now != was)
		DP_LOG(INFO, "vhost-user port id %u: device %d uses %u queue pairs",
				DP_VHOST_FIRST_ID + i, vid, now);
	return 0;
}

static const struct rte_vhost_device_ops ops = {
	.new_device = new_device,
	.destroy_device = destroy_device,
	.vring_state_changed = vring_state_changed,
};

int dp_vhost_alloc_id(void)
{
	int id = -ENOSPC;

	pthread_mutex_lock(&lock);
	for (int i = 0; i < DP_MAX_VHOST; i++) {
		if (!socks[i].used) {
			id = DP_VHOST_FIRST_ID + i;
			break;
		}
	}
	pthread_mutex_unlock(&lock);
	return id;
}

int dp_vhost_open(uint16_t port_id, const char *path)
{
	const int i = port_id - DP_VHOST_FIRST_ID;
	/* Client: the server (QEMU) owns the socket, and the library reconnects to it
	 * whenever it listens again. Compliant offload flags: none, as offloads are off. */
	const uint64_t flags = RTE_VHOST_USER_CLIENT | RTE_VHOST_USER_NET_COMPLIANT_OL_FLAGS;
	int rc;

	/* The library would cut a longer path to sun_path's size, silently. */
	if (path[0] != '/')
		return -EINVAL;
	if (strlen(path) >= sizeof(((struct sockaddr_un *)NULL)->sun_path))
		return -ENAMETOOLONG;
	rc = rte_vhost_driver_register(path, flags);
	if (rc < 0) {
		DP_LOG(ERR, "vhost-user %s: cannot register the socket", path);
		return -EINVAL;
	}
	if (rte_vhost_driver_disable_features(path, OFFLOADS) < 0 ||
			rte_vhost_driver_callback_register(path, &ops) < 0) {
		rte_vhost_driver_unregister(path);
		return -EINVAL;
	}
	/* Listed before the start, which may connect at once. */
	pthread_mutex_lock(&lock);
	memset(&socks[i], 0, sizeof(socks[i]));
	socks[i].used = true;
	snprintf(socks[i].path, sizeof(socks[i].path), "%s", path);
	pthread_mutex_unlock(&lock);
	rc = rte_vhost_driver_start(path);
	if (rc < 0) {
		DP_LOG(ERR, "vhost-user %s: cannot start the socket", path);
		dp_vhost_close(port_id);
		return -EIO;
	}
	return 0;
}

void dp_vhost_close(uint16_t port_id)
{
	const int i = port_id - DP_VHOST_FIRST_ID;
	char path[DP_DEVARGS_LEN];

	pthread_mutex_lock(&lock);
	snprintf(path, sizeof(path), "%s", socks[i].path);
	pthread_mutex_unlock(&lock);
	/* Still listed: the library calls destroy_device from here for a connected one. */
	rte_vhost_driver_unregister(path);
	pthread_mutex_lock(&lock);
	socks[i].used = false;
	__atomic_store_n(&dp_vhost_devs[i].vid, -1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&lock);
}

bool dp_vhost_connected(uint16_t port_id)
{
	return __atomic_load_n(&dp_vhost_devs[port_id - DP_VHOST_FIRST_ID].vid,
			       __ATOMIC_ACQUIRE) >= 0;
}

void dp_vhost_fini(void)
{
	for (int i = 0; i < DP_MAX_VHOST; i++) {
		bool used;

		pthread_mutex_lock(&lock);
		used = socks[i].used;
		pthread_mutex_unlock(&lock);
		if (used)
			dp_vhost_close(DP_VHOST_FIRST_ID + i);
	}
}
