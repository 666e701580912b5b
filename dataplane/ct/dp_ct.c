/* SPDX-License-Identifier: Apache-2.0 */
/* The connection table: see ct/dp_ct.h for the contract. */
#include <errno.h>
#include <stddef.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring_elem.h>

#include "core/dp_mem.h"
#include "dp_ct.h"

#define KILL_RING_SIZE 1024
#define ICMP_ECHO_REQUEST 8
#define ICMP6_ECHO_REQUEST 128

static inline uint8_t sw_l4(uint32_t sw)
{
	return (sw >> DP_CT_SW_L4_SHIFT) & 0x7;
}

static inline bool sw_orig_is(uint32_t sw, uint8_t side)
{
	return side == !!(sw & DP_CT_SW_ORIG_1);
}

/* An entry the control thread may delete: filled, and not deleted already. */
static inline bool sw_linked(uint32_t sw)
{
	return (sw & (DP_CT_SW_LIVE | DP_CT_SW_BUSY | DP_CT_SW_UNLINKED)) == DP_CT_SW_LIVE;
}

static inline uint64_t rec_pack(const struct dp_ct_rec *r)
{
	return (uint64_t)r->gen << 32 | r->rule;
}

/* ---- Packet path ---- */

/*
 * The table's hash: an IPv4 key is zero past the first 4 bytes of each address
 * and in its padding (dp_ct_key_set), so two CRC steps over what can differ
 * (the addresses, then ports, zone, family and protocol: one word) hash it
 * as well as six over all 48 bytes; the rest go whole. rte_hash calls this
 * for every lookup, and it was a fifth of one (callgrind, virga-stagebench
 * --path snat). dp_ct_lookup_bulk computes it itself, inline, and hands
 * rte_hash the signatures: an indirect call per key less, through rte_hash_hash
 * (callgrind, virga-stagebench --path snat: 27 instructions a key fewer).
 */
static inline uint32_t key_hash(const void *key, uint32_t len, uint32_t init)
{
	const struct dp_ct_key *k = key;
	uint32_t a0, a1;
	uint64_t rest;

	if (unlikely(k->family != AF_INET))
		return rte_hash_crc(key, len, init);
	memcpy(&a0, k->addr[0], 4);
	memcpy(&a1, k->addr[1], 4);
	memcpy(&rest, k->port, sizeof(rest));
	RTE_BUILD_BUG_ON(offsetof(struct dp_ct_key, proto) + 1 - offsetof(struct dp_ct_key, port) !=
			sizeof(rest));
	return rte_hash_crc_8byte(rest, rte_hash_crc_8byte((uint64_t)a0 << 32 | a1, init));
}

uint32_t dp_ct_lookup_bulk(
		const struct dp_ct *ct, const struct dp_ct_pkt *pkts, uint32_t n, uint32_t *idx)
{
	const void *keys[DP_CT_BULK_MAX];
	hash_sig_t sig[DP_CT_BULK_MAX];
	int32_t pos[DP_CT_BULK_MAX];
	uint32_t found = 0;

	for (uint32_t base = 0; base < n; base += DP_CT_BULK_MAX) {
		uint32_t k = RTE_MIN(n - base, (uint32_t)DP_CT_BULK_MAX);

		for (uint32_t i = 0; i < k; i++) {
			keys[i] = &pkts[base + i].key;
			/* The table's own hash_func with its init value (0), so adds
			 * and the other lookups agree. */
			sig[i] = key_hash(keys[i], sizeof(struct dp_ct_key), 0);
		}
		rte_hash_lookup_with_hash_bulk(ct->hash, keys, sig, k, pos);
		/* Warm every entry before reading any: their misses overlap. */
		for (uint32_t i = 0; i < k; i++)
			if (pos[i] >= 0)
				rte_prefetch0(&ct->entries[pos[i]]);
		for (uint32_t i = 0; i < k; i++) {
			uint32_t sw;

			idx[base + i] = DP_CT_NONE;
			if (pos[i] < 0)
				continue;
			sw = __atomic_load_n(&ct->entries[pos[i]].sw, __ATOMIC_ACQUIRE);
			/* Free or busy: its creator has not published it yet. */
			if ((sw & (DP_CT_SW_LIVE | DP_CT_SW_BUSY)) != DP_CT_SW_LIVE)
				continue;
			idx[base + i] = pos[i];
			found++;
		}
	}
	return found;
}

static inline bool icmp_is_request(const struct dp_ct_pkt *p)
{
	return p->icmp_type == (p->key.family == AF_INET ? ICMP_ECHO_REQUEST : ICMP6_ECHO_REQUEST);
}

enum dp_ct_verdict dp_ct_update_full(struct dp_ct *ct, uint32_t idx, const struct dp_ct_pkt *p,
		uint8_t side, uint32_t now, enum dp_ct_dir *dirp)
{
	struct dp_ct_entry *e = &ct->entries[idx];
	uint32_t sw = __atomic_load_n(&e->sw, __ATOMIC_ACQUIRE);

	for (;;) {
		enum dp_ct_dir dir = sw_orig_is(sw, side) ? DP_CT_DIR_ORIGINAL : DP_CT_DIR_REPLY;
		uint8_t state = sw & DP_CT_SW_STATE, next = state;
		bool reopen = false;
		uint32_t nsw;

		*dirp = dir;
		if (unlikely((sw & (DP_CT_SW_LIVE | DP_CT_SW_DEAD)) != DP_CT_SW_LIVE))
			return DP_CT_DEAD;
		/* An ICMP error is related to the connection, not a step of it. */
		if (p->related)
			return DP_CT_VALID;

		switch (sw_l4(sw)) {
		case DP_CT_L4_TCP:
			next = dp_ct_tcp_next(state, dir, p->tcp_flags);
			if (next == DP_CT_TCP_INVALID)
				return DP_CT_INVALID;
			if (next == DP_CT_TCP_IGNORE)
				return DP_CT_VALID;
			reopen = next == DP_CT_TCP_SYN_SENT &&
				 (state == DP_CT_TCP_TIME_WAIT || state == DP_CT_TCP_CLOSE);
			/*
			 * The old responder reopening: the roles swap, and with them
			 * what each record means, under workers that may be writing
			 * one. Like Linux and OVS, end the old connection instead;
			 * the SYN's retransmission opens a new one once the control
			 * thread deleted this (its next dp_ct_expire).
			 */
			if (reopen && dir == DP_CT_DIR_REPLY) {
				dp_ct_kill(ct, idx);
				return DP_CT_DEAD;
			}
			break;
		case DP_CT_L4_ICMP:
			/* Requests come from the opener, replies from the other side
			 * (identifier 0 makes both sides' requests one key). */
			if (icmp_is_request(p) != (dir == DP_CT_DIR_ORIGINAL))
				return DP_CT_INVALID;
			/* fall through */
		default:
			if (dir == DP_CT_DIR_REPLY)
				next = DP_CT_REPLIED;
			break;
		}
		if (next == state)
			break;

		nsw = (sw & ~DP_CT_SW_STATE) | next;
		if (reopen) {
			/*
			 * A new connection between the same endpoints, same roles.
			 * Its records are reset before the CAS (a release) publishes
			 * it: a worker that sees the new state sees no allowance from
			 * the old one. A worker still writing a record it checked for
			 * an old packet may land after the reset; its answer is the
			 * current policy's for the same tuple, direction and ports,
			 * so it holds for the new connection too.
			 */
			__atomic_store_n(&e->allow[0], 0, __ATOMIC_RELAXED);
			__atomic_store_n(&e->allow[1], 0, __ATOMIC_RELAXED);
		}
		if (__atomic_compare_exchange_n(
				    &e->sw, &sw, nsw, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
			dp_ct_touch(e, now);
			return reopen ? DP_CT_REOPENED : DP_CT_VALID;
		}
		/* Another worker moved it first: apply this packet to its result. A
		 * lost reopen leaves records reset that the integrator checks again. */
	}
	dp_ct_touch(e, now);
	return DP_CT_VALID;
}

/* The state the connection p opens starts in, or 0 when p cannot open one. */
static uint8_t start_state(const struct dp_ct *ct, const struct dp_ct_pkt *p)
{
	uint8_t s;

	if (p->related)
		return 0;
	switch (p->l4) {
	case DP_CT_L4_TCP:
		s = dp_ct_tcp_start(p->tcp_flags, ct->tcp_loose);
		return s == DP_CT_TCP_INVALID ? 0 : s;
	case DP_CT_L4_ICMP:
		return icmp_is_request(p) ? DP_CT_UNREPLIED : 0;
	case DP_CT_L4_UDP:
	case DP_CT_L4_SCTP:
	case DP_CT_L4_OTHER:
		return DP_CT_UNREPLIED;
	default:
		return 0;
	}
}

static bool port_take(struct dp_ct *ct, uint16_t port)
{
	uint32_t limit;

	if (port == DP_CT_NO_PORT)
		return true;
	limit = __atomic_load_n(&ct->port_limit[port], __ATOMIC_RELAXED);
	if (__atomic_fetch_add(&ct->port_count[port], 1, __ATOMIC_RELAXED) < limit || limit == 0)
		return true;
	__atomic_fetch_sub(&ct->port_count[port], 1, __ATOMIC_RELAXED);
	return false;
}

static void port_give(struct dp_ct *ct, uint16_t port)
{
	if (port != DP_CT_NO_PORT)
		__atomic_fetch_sub(&ct->port_count[port], 1, __ATOMIC_RELAXED);
}

/* A connection with records on ports a and b counts once against each (once if a == b). */
static int reserve(struct dp_ct *ct, uint16_t a, uint16_t b)
{
	if (__atomic_fetch_add(&ct->n_used, 1, __ATOMIC_RELAXED) >= ct->max_entries) {
		__atomic_fetch_sub(&ct->n_used, 1, __ATOMIC_RELAXED);
		return -ENOSPC;
	}
	if (!port_take(ct, a))
		goto full;
	if (b != a && !port_take(ct, b)) {
		port_give(ct, a);
		goto full;
	}
	return 0;
full:
	__atomic_fetch_sub(&ct->n_used, 1, __ATOMIC_RELAXED);
	return -EDQUOT;
}

static void unreserve(struct dp_ct *ct, uint16_t a, uint16_t b)
{
	port_give(ct, a);
	if (b != a)
		port_give(ct, b);
	__atomic_fetch_sub(&ct->n_used, 1, __ATOMIC_RELAXED);
}

/* Waits while the entry's creator fills it; true when it is then live. */
static bool wait_filled(const struct dp_ct_entry *e)
{
	uint32_t sw;

	while ((sw = __atomic_load_n(&e->sw, __ATOMIC_ACQUIRE)) & DP_CT_SW_BUSY)
		rte_pause();
	return sw & DP_CT_SW_LIVE;
}

static inline bool port_valid(uint16_t port)
{
	return port == DP_CT_NO_PORT || port < DP_MAX_PORTS;
}

/* Takes key k's position for a new entry: 0 and *pos with the entry held BUSY,
 * -EEXIST and *pos when the key has an entry (filled by now, or never), -ENOSPC. */
static int claim_key(struct dp_ct *ct, const struct dp_ct_key *k, int32_t *pos)
{
	uint32_t sw = 0;

	*pos = rte_hash_add_key(ct->hash, k);
	if (*pos < 0)
		return -ENOSPC;
	if (!__atomic_compare_exchange_n(&ct->entries[*pos].sw, &sw, DP_CT_SW_BUSY, false,
			    __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE)) {
		wait_filled(&ct->entries[*pos]);
		return -EEXIST;
	}
	return 0;
}

int dp_ct_create(struct dp_ct *ct, const struct dp_ct_pkt *p, const struct dp_ct_rec *orig,
		const struct dp_ct_rec *resp, uint32_t now, uint32_t *idx)
{
	uint8_t state = start_state(ct, p), s = p->side;
	struct dp_ct_entry *e;
	int32_t pos;
	int rc;

	*idx = DP_CT_NONE;
	if (state == 0) {
		__atomic_fetch_add(&ct->invalid, 1, __ATOMIC_RELAXED);
		return -EINVAL;
	}
	if (!port_valid(orig->port) || !port_valid(resp->port))
		return -EINVAL;
	rc = reserve(ct, orig->port, resp->port);
	if (rc < 0) {
		/* Full, but a connection that exists is still found. */
		pos = rte_hash_lookup(ct->hash, &p->key);
		if (pos >= 0 && wait_filled(&ct->entries[pos])) {
			*idx = pos;
			return -EEXIST;
		}
		__atomic_fetch_add(rc == -ENOSPC ? &ct->table_full : &ct->port_full, 1,
				__ATOMIC_RELAXED);
		return rc;
	}

	/* The hash's writer lock: the one serialization point between workers. */
	rc = claim_key(ct, &p->key, &pos);
	if (rc < 0) {
		unreserve(ct, orig->port, resp->port);
		if (rc == -EEXIST) /* another worker added the key first, or is filling it */
			*idx = pos;
		else
			__atomic_fetch_add(&ct->table_full, 1, __ATOMIC_RELAXED);
		return rc;
	}
	e = &ct->entries[pos];
	e->last_seen = now;
	e->created = now;
	e->port[s] = orig->port;
	e->port[!s] = resp->port;
	e->allow[s] = rec_pack(orig);
	e->allow[!s] = rec_pack(resp);
	__atomic_store_n(&e->sw,
			DP_CT_SW_LIVE | (uint32_t)p->l4 << DP_CT_SW_L4_SHIFT |
					(s ? DP_CT_SW_ORIG_1 : 0) | state,
			__ATOMIC_RELEASE);
	__atomic_fetch_add(&ct->created, 1, __ATOMIC_RELAXED);
	*idx = pos;
	return 0;
}

int dp_ct_create_nat(struct dp_ct *ct, const struct dp_ct_pkt *p, const struct dp_ct_key *reply_key,
		const struct dp_ct_nat *nat, uint32_t now, uint32_t *idx)
{
	uint8_t state = start_state(ct, p);
	uint32_t l4 = (uint32_t)p->l4 << DP_CT_SW_L4_SHIFT;
	struct dp_ct_entry *e, *a;
	int32_t pos, apos;
	int rc;

	*idx = DP_CT_NONE;
	if (state == 0) {
		__atomic_fetch_add(&ct->invalid, 1, __ATOMIC_RELAXED);
		return -EINVAL;
	}
	/* Two entries: the connection and its alias. */
	if (__atomic_fetch_add(&ct->n_used, 2, __ATOMIC_RELAXED) + 2 > ct->max_entries) {
		__atomic_fetch_sub(&ct->n_used, 2, __ATOMIC_RELAXED);
		pos = rte_hash_lookup(ct->hash, &p->key);
		if (pos >= 0 && wait_filled(&ct->entries[pos])) {
			*idx = pos;
			return -EEXIST;
		}
		__atomic_fetch_add(&ct->table_full, 1, __ATOMIC_RELAXED);
		return -ENOSPC;
	}
	rc = claim_key(ct, &p->key, &pos);
	if (rc < 0) {
		__atomic_fetch_sub(&ct->n_used, 2, __ATOMIC_RELAXED);
		if (rc == -EEXIST)
			*idx = pos;
		else
			__atomic_fetch_add(&ct->table_full, 1, __ATOMIC_RELAXED);
		return rc;
	}
	e = &ct->entries[pos];
	e->last_seen = now;
	e->created = now;
	e->port[0] = e->port[1] = DP_CT_NO_PORT;
	rc = claim_key(ct, reply_key, &apos);
	if (rc < 0) {
		/*
		 * Its reply key is another connection's (or no room for it): the
		 * key just added cannot be taken back here (its position is freed
		 * after a grace period, by the control thread), so it is published
		 * dead, without a translation, and deleted like any killed entry.
		 * It held one entry of the two reserved.
		 */
		__atomic_fetch_sub(&ct->n_used, 1, __ATOMIC_RELAXED);
		e->allow[0] = e->allow[1] = 0;
		__atomic_store_n(&e->sw, DP_CT_SW_LIVE | l4 | state, __ATOMIC_RELEASE);
		dp_ct_kill(ct, pos);
		if (rc == -ENOSPC)
			__atomic_fetch_add(&ct->table_full, 1, __ATOMIC_RELAXED);
		return rc == -EEXIST ? -EADDRINUSE : rc;
	}
	a = &ct->entries[apos];
	a->last_seen = now;
	a->created = now;
	a->port[0] = a->port[1] = DP_CT_NO_PORT;
	a->allow[0] = (uint32_t)pos;
	/* Where replies go back to (the opener's address and port), kept here too:
	 * a reply reads it from the entry its lookup found, without the key's line. */
	{
		const uint8_t s = p->side;
		uint32_t ip;

		memcpy(&ip, p->key.addr[s], 4);
		a->allow[1] = (uint64_t)ip << 32 | (uint64_t)p->key.port[s] << 16;
	}
	e->allow[0] = (uint64_t)nat->src_ip << 32 | (uint64_t)nat->src_port << 16;
	e->allow[1] = (uint64_t)nat->dst_ip << 32 | (uint32_t)apos;
	/* The alias first: a lookup that finds the connection finds its replies' key too. */
	__atomic_store_n(&a->sw, DP_CT_SW_LIVE | DP_CT_SW_ALIAS | l4, __ATOMIC_RELEASE);
	__atomic_store_n(&e->sw,
			DP_CT_SW_LIVE | DP_CT_SW_NAT | l4 | (p->side ? DP_CT_SW_ORIG_1 : 0) | state,
			__ATOMIC_RELEASE);
	__atomic_fetch_add(&ct->created, 1, __ATOMIC_RELAXED);
	*idx = pos;
	return 0;
}

void dp_ct_set_nat_release(struct dp_ct *ct, dp_ct_nat_release_fn fn, void *arg)
{
	ct->nat_release = fn;
	ct->nat_release_arg = arg;
}

void dp_ct_kill(struct dp_ct *ct, uint32_t idx)
{
	uint32_t old = __atomic_fetch_or(&ct->entries[idx].sw, DP_CT_SW_DEAD, __ATOMIC_ACQ_REL);

	/* When the ring is full the expiry walk finds it anyway, later. */
	if (!(old & DP_CT_SW_DEAD))
		rte_ring_mp_enqueue_elem(ct->kill_ring, &idx, sizeof(idx));
}

/* ---- Control thread ---- */

/* After the grace period of a deleted entry: reset it, then give its position back. */
static void entry_free(void *p, void *elem, unsigned int n)
{
	struct dp_ct *ct = p;

	for (unsigned int i = 0; i < n; i++) {
		uint32_t pos;

		memcpy(&pos, (const uint8_t *)elem + i * sizeof(pos), sizeof(pos));
		/* Free before the position can be handed out again: the next
		 * creator's CAS expects 0. */
		__atomic_store_n(&ct->entries[pos].sw, 0, __ATOMIC_RELEASE);
		rte_hash_free_key_with_position(ct->hash, pos);
		ct->pending--;
		__atomic_fetch_sub(&ct->n_used, 1, __ATOMIC_RELEASE);
	}
}

const struct dp_ct_key *dp_ct_key_at(const struct dp_ct *ct, uint32_t idx)
{
	void *k;

	if (idx >= ct->n_slots || rte_hash_get_key_with_position(ct->hash, idx, &k) < 0)
		return NULL;
	return k;
}

static void unlink_entry(struct dp_ct *ct, uint32_t pos)
{
	struct dp_ct_entry *e = &ct->entries[pos];
	const struct dp_ct_key *key = dp_ct_key_at(ct, pos);
	uint32_t sw;

	/* Dead first, so that workers updating it meanwhile give up. */
	sw = __atomic_fetch_or(&e->sw, DP_CT_SW_DEAD | DP_CT_SW_UNLINKED, __ATOMIC_ACQ_REL);
	if (sw & DP_CT_SW_NAT) {
		uint32_t alias = (uint32_t)e->allow[1];
		struct dp_ct_nat nat = dp_ct_nat_get(ct, pos);

		/* Its alias goes with it, and its translation back to its owner. */
		if (alias < ct->n_slots &&
				sw_linked(__atomic_load_n(&ct->entries[alias].sw, __ATOMIC_ACQUIRE)) &&
				(ct->entries[alias].sw & DP_CT_SW_ALIAS) &&
				(uint32_t)ct->entries[alias].allow[0] == pos)
			unlink_entry(ct, alias);
		if (ct->nat_release != NULL && key != NULL)
			ct->nat_release(ct->nat_release_arg, key, &nat);
	}
	if (key != NULL)
		rte_hash_del_key(ct->hash, key);
	port_give(ct, e->port[0]);
	if (e->port[1] != e->port[0])
		port_give(ct, e->port[1]);
	ct->pending++;
	/* The queue holds max_entries, more than can be pending; should it
	 * still refuse, waiting for the workers here is correct, only slower. */
	if (rte_rcu_qsbr_dq_enqueue(ct->dq, &pos) != 0) {
		rte_rcu_qsbr_synchronize(ct->rcu, RTE_QSBR_THRID_INVALID);
		entry_free(ct, &pos, 1);
	}
}

void dp_ct_reclaim(struct dp_ct *ct)
{
	if (ct->pending > 0)
		rte_rcu_qsbr_dq_reclaim(ct->dq, ct->pending, NULL, NULL, NULL);
}

static bool expired(const struct dp_ct_entry *e, uint32_t sw, uint32_t now)
{
	uint32_t timeout = dp_ct_timeout(sw_l4(sw), sw & DP_CT_SW_STATE);
	int32_t idle = (int32_t)(now - __atomic_load_n(&e->last_seen, __ATOMIC_RELAXED));

	/* Strictly more: last_seen is a truncated second, maybe one behind (ct/dp_ct.h). */
	return idle > (int32_t)timeout;
}

uint32_t dp_ct_expire(struct dp_ct *ct, uint32_t now, uint32_t budget)
{
	uint32_t n = 0, pos;

	/* What workers killed first: they asked. */
	while (rte_ring_sc_dequeue_elem(ct->kill_ring, &pos, sizeof(pos)) == 0) {
		uint32_t sw = __atomic_load_n(&ct->entries[pos].sw, __ATOMIC_ACQUIRE);

		/* Its slot may have been deleted and reused since: only if still dead. */
		if (sw_linked(sw) && (sw & DP_CT_SW_DEAD)) {
			unlink_entry(ct, pos);
			n++;
		}
	}
	budget = RTE_MIN(budget, ct->n_slots);
	for (uint32_t i = 0; i < budget; i++) {
		struct dp_ct_entry *e;
		uint32_t sw;

		pos = ct->cursor;
		ct->cursor = pos + 1 == ct->n_slots ? 0 : pos + 1;
		e = &ct->entries[pos];
		sw = __atomic_load_n(&e->sw, __ATOMIC_ACQUIRE);
		/* An alias has no time of its own: it goes with its entry. */
		if (!sw_linked(sw) || (sw & DP_CT_SW_ALIAS))
			continue;
		if ((sw & DP_CT_SW_DEAD) || expired(e, sw, now)) {
			unlink_entry(ct, pos);
			n++;
		}
	}
	ct->expired += n;
	dp_ct_reclaim(ct);
	return n;
}

/* A connection's own entry, even when idx is its alias. */
static inline uint32_t own_entry(const struct dp_ct *ct, uint32_t idx, uint32_t sw)
{
	return (sw & DP_CT_SW_ALIAS) ? (uint32_t)ct->entries[idx].allow[0] : idx;
}

int dp_ct_delete(struct dp_ct *ct, uint32_t idx)
{
	if (idx >= ct->n_slots ||
			!sw_linked(__atomic_load_n(&ct->entries[idx].sw, __ATOMIC_ACQUIRE)))
		return -ENOENT;
	idx = own_entry(ct, idx, ct->entries[idx].sw);
	if (idx >= ct->n_slots || !sw_linked(__atomic_load_n(&ct->entries[idx].sw, __ATOMIC_ACQUIRE)))
		return -ENOENT;
	unlink_entry(ct, idx);
	ct->flushed++;
	dp_ct_reclaim(ct);
	return 0;
}

static uint32_t flush_if(struct dp_ct *ct, bool all, uint16_t port)
{
	uint32_t n = 0;

	for (uint32_t pos = 0; pos < ct->n_slots; pos++) {
		const struct dp_ct_entry *e = &ct->entries[pos];
		uint32_t sw = __atomic_load_n(&e->sw, __ATOMIC_ACQUIRE);

		if (!sw_linked(sw) || (sw & DP_CT_SW_ALIAS))
			continue;
		if (all || e->port[0] == port || e->port[1] == port) {
			unlink_entry(ct, pos);
			n++;
		}
	}
	ct->flushed += n;
	dp_ct_reclaim(ct);
	return n;
}

uint32_t dp_ct_flush(struct dp_ct *ct)
{
	return flush_if(ct, true, DP_CT_NO_PORT);
}

uint32_t dp_ct_flush_port(struct dp_ct *ct, uint16_t port)
{
	if (port == DP_CT_NO_PORT)
		return 0;
	return flush_if(ct, false, port);
}

uint32_t dp_ct_flush_zone(struct dp_ct *ct, uint16_t zone)
{
	uint32_t n = 0;

	for (uint32_t pos = 0; pos < ct->n_slots; pos++) {
		uint32_t sw = __atomic_load_n(&ct->entries[pos].sw, __ATOMIC_ACQUIRE);
		const struct dp_ct_key *key;

		if (!sw_linked(sw) || (sw & DP_CT_SW_ALIAS))
			continue;
		key = dp_ct_key_at(ct, pos);
		if (key != NULL && key->zone == zone) {
			unlink_entry(ct, pos);
			n++;
		}
	}
	ct->flushed += n;
	dp_ct_reclaim(ct);
	return n;
}

uint32_t dp_ct_list(const struct dp_ct *ct, uint32_t *cursor, struct dp_ct_info *out, uint32_t n)
{
	uint32_t got = 0, pos;

	for (pos = *cursor; pos < ct->n_slots && got < n; pos++) {
		const struct dp_ct_entry *e = &ct->entries[pos];
		uint32_t sw = __atomic_load_n(&e->sw, __ATOMIC_ACQUIRE);
		const struct dp_ct_key *key;
		struct dp_ct_info *o = &out[got];
		uint8_t orig = !!(sw & DP_CT_SW_ORIG_1);

		if (!sw_linked(sw) || (sw & DP_CT_SW_ALIAS) || (key = dp_ct_key_at(ct, pos)) == NULL)
			continue;
		o->key = *key;
		o->idx = pos;
		o->l4 = sw_l4(sw);
		o->state = sw & DP_CT_SW_STATE;
		o->orig_side = orig;
		o->dead = sw & DP_CT_SW_DEAD;
		o->last_seen = __atomic_load_n(&e->last_seen, __ATOMIC_RELAXED);
		o->created = e->created;
		o->rec[DP_CT_ORIGINATOR] = dp_ct_rec_get(ct, pos, DP_CT_ORIGINATOR);
		o->rec[DP_CT_RESPONDER] = dp_ct_rec_get(ct, pos, DP_CT_RESPONDER);
		o->nat = sw & DP_CT_SW_NAT;
		if (o->nat) {
			o->translation = dp_ct_nat_get(ct, pos);
			o->rec[0].port = o->rec[1].port = DP_CT_NO_PORT;
		}
		got++;
	}
	*cursor = pos;
	return got;
}

void dp_ct_stats_get(const struct dp_ct *ct, struct dp_ct_stats *st)
{
	uint32_t used = __atomic_load_n(&ct->n_used, __ATOMIC_RELAXED);

	st->pending = ct->pending;
	st->in_use = used > ct->pending ? used - ct->pending : 0;
	st->created = __atomic_load_n(&ct->created, __ATOMIC_RELAXED);
	st->table_full = __atomic_load_n(&ct->table_full, __ATOMIC_RELAXED);
	st->port_limit = __atomic_load_n(&ct->port_full, __ATOMIC_RELAXED);
	st->invalid = __atomic_load_n(&ct->invalid, __ATOMIC_RELAXED);
	st->expired = ct->expired;
	st->flushed = ct->flushed;
}

int dp_ct_port_limit_set(struct dp_ct *ct, uint16_t port, uint32_t limit)
{
	if (port >= DP_MAX_PORTS)
		return -EINVAL;
	__atomic_store_n(&ct->port_limit[port], limit, __ATOMIC_RELAXED);
	return 0;
}

uint32_t dp_ct_port_count(const struct dp_ct *ct, uint16_t port)
{
	if (port >= DP_MAX_PORTS)
		return 0;
	return __atomic_load_n(&ct->port_count[port], __ATOMIC_RELAXED);
}

struct dp_ct *dp_ct_init(const struct dp_ct_conf *conf)
{
	static uint32_t n_tables; /* names must be unique; control thread only */
	uint32_t max = conf->max_entries ? conf->max_entries : DP_CT_DEFAULT_ENTRIES;
	char name[RTE_HASH_NAMESIZE], ring[RTE_RING_NAMESIZE], dqname[RTE_RING_NAMESIZE];
	struct rte_hash_parameters hp = {
			.name = name,
			/* rte_hash needs one bucket at least; our own count enforces max. */
			.entries = RTE_MAX(max, 8u),
			.key_len = sizeof(struct dp_ct_key),
			.hash_func = key_hash,
			.socket_id = conf->socket_id,
			/* EXT_TABLE: cuckoo collisions never refuse a key below max. */
			.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
				      RTE_HASH_EXTRA_FLAGS_MULTI_WRITER_ADD |
				      RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	struct rte_rcu_qsbr_dq_parameters dq = {
			.name = dqname,
			.size = max,
			.esize = sizeof(uint32_t),
			.trigger_reclaim_limit = 64,
			.max_reclaim_size = 256,
			.free_fn = entry_free,
			.v = conf->rcu,
	};
	struct dp_ct *ct;
	int32_t max_id;
	uint32_t id;

	if (conf->rcu == NULL || conf->max_entries > (1u << 30)) {
		errno = EINVAL;
		return NULL;
	}
	ct = rte_zmalloc_socket("ct", sizeof(*ct), RTE_CACHE_LINE_SIZE, conf->socket_id);
	if (ct == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	id = n_tables++;
	snprintf(name, sizeof(name), "ct%u", id);
	snprintf(ring, sizeof(ring), "ct%u_kill", id);
	snprintf(dqname, sizeof(dqname), "ct%u_dq", id);
	ct->max_entries = max;
	ct->tcp_loose = conf->tcp_loose;
	ct->rcu = conf->rcu;
	for (uint32_t i = 0; i < DP_MAX_PORTS; i++)
		ct->port_limit[i] = conf->port_limit;

	ct->hash = rte_hash_create(&hp);
	if (ct->hash == NULL)
		goto fail;
	max_id = rte_hash_max_key_id(ct->hash);
	if (max_id < 0) {
		rte_errno = EINVAL;
		goto fail;
	}
	/* Positions run from 0 to max_id - 1; one more costs nothing. */
	ct->n_slots = (uint32_t)max_id + 1;
	ct->entries_size = (size_t)ct->n_slots * sizeof(struct dp_ct_entry);
	ct->entries = dp_table_zalloc(ct->entries_size);
	if (ct->entries == NULL) {
		rte_errno = ENOMEM;
		goto fail;
	}
	ct->kill_ring = rte_ring_create_elem(
			ring, sizeof(uint32_t), KILL_RING_SIZE, conf->socket_id, RING_F_SC_DEQ);
	if (ct->kill_ring == NULL)
		goto fail;
	dq.p = ct;
	ct->dq = rte_rcu_qsbr_dq_create(&dq);
	if (ct->dq == NULL)
		goto fail;
	return ct;
fail:
	errno = rte_errno ? rte_errno : ENOMEM;
	dp_ct_fini(ct);
	return NULL;
}

void dp_ct_fini(struct dp_ct *ct)
{
	if (ct == NULL)
		return;
	if (ct->dq != NULL) {
		/* Everything pending is freed now: wait for the workers once. */
		rte_rcu_qsbr_synchronize(ct->rcu, RTE_QSBR_THRID_INVALID);
		rte_rcu_qsbr_dq_delete(ct->dq);
	}
	rte_ring_free(ct->kill_ring);
	dp_table_free(ct->entries, ct->entries_size);
	rte_hash_free(ct->hash);
	rte_free(ct);
}
