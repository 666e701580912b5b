/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The TCP state machine of connection tracking, as sequences of segments
 * played through the table: handshakes, closes, resets, reopening.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>

#include "ct_test.h"

/* One packet of a TCP sequence: who sends it, its flags, and what follows. */
struct step {
	enum dp_ct_dir dir;
	uint8_t flags;
	enum dp_ct_verdict verdict;
	uint8_t state;
};

/* Opens a connection A:1234 -> B:80 with a SYN, then plays the steps. */
static uint32_t play(const struct step *steps, unsigned int n)
{
	struct dp_ct_pkt syn = tcp("10.0.0.1", 1234, "10.0.0.2", 80, SYN);
	uint32_t idx = create(&syn);

	assert_int_equal(state_of(idx), DP_CT_TCP_SYN_SENT);
	for (unsigned int i = 0; i < n; i++) {
		struct dp_ct_pkt p = steps[i].dir == DP_CT_DIR_ORIGINAL
				? tcp("10.0.0.1", 1234, "10.0.0.2", 80, steps[i].flags)
				: tcp("10.0.0.2", 80, "10.0.0.1", 1234, steps[i].flags);
		enum dp_ct_dir dir;

		assert_int_equal(lookup(&p), idx);
		if (dp_ct_update(ct, idx, &p, T0 + i, &dir) != steps[i].verdict ||
				state_of(idx) != steps[i].state)
			fail_msg("step %u (flags %#x): verdict %d, state %s; want %d, %s", i,
					steps[i].flags, dp_ct_update(ct, idx, &p, T0, &dir),
					dp_ct_state_name(DP_CT_L4_TCP, state_of(idx)),
					steps[i].verdict,
					dp_ct_state_name(DP_CT_L4_TCP, steps[i].state));
	}
	return idx;
}

/* ---- TCP ---- */

static void tcp_three_way_handshake_reaches_established(void **state)
{
	const struct step s[] = {
		{R, SYN | ACK, OK, DP_CT_TCP_SYN_RECV},
		{O, ACK, OK, DP_CT_TCP_ESTABLISHED},
		{O, PSH | ACK, OK, DP_CT_TCP_ESTABLISHED},
		{R, ACK, OK, DP_CT_TCP_ESTABLISHED},
	};

	(void)state;
	play(s, RTE_DIM(s));
}

static void tcp_retransmitted_syn_and_syn_ack_keep_the_handshake_going(void **state)
{
	const struct step s[] = {
		{O, SYN, OK, DP_CT_TCP_SYN_SENT},
		{O, ACK, BAD, DP_CT_TCP_SYN_SENT}, /* nothing to acknowledge yet */
		{R, SYN | ACK, OK, DP_CT_TCP_SYN_RECV},
		{O, SYN, OK, DP_CT_TCP_SYN_RECV},	/* ignored, not invalid */
		{R, SYN | ACK, OK, DP_CT_TCP_SYN_RECV}, /* retransmitted: ignored */
		{O, ACK, OK, DP_CT_TCP_ESTABLISHED},
		{O, SYN, OK, DP_CT_TCP_ESTABLISHED}, /* the receiver answers with a challenge ACK */
	};

	(void)state;
	play(s, RTE_DIM(s));
}

static void tcp_rst_closes_from_every_state_but_opens_nothing(void **state)
{
	(void)state;
	for (uint8_t s = DP_CT_TCP_SYN_SENT; s < DP_CT_TCP_N_STATES; s++) {
		assert_int_equal(dp_ct_tcp_next(s, O, RST), DP_CT_TCP_CLOSE);
		assert_int_equal(dp_ct_tcp_next(s, R, RST), DP_CT_TCP_CLOSE);
		assert_int_equal(dp_ct_tcp_next(s, R, RST | ACK), DP_CT_TCP_CLOSE);
	}
	assert_int_equal(dp_ct_tcp_next(DP_CT_TCP_NONE, O, RST), DP_CT_TCP_INVALID);
	assert_int_equal(dp_ct_tcp_start(RST, true), DP_CT_TCP_INVALID);

	/* Through the table: an established connection reset by the server. */
	const struct step s[] = {
		{R, SYN | ACK, OK, DP_CT_TCP_SYN_RECV},
		{O, ACK, OK, DP_CT_TCP_ESTABLISHED},
		{R, RST | ACK, OK, DP_CT_TCP_CLOSE},
		{O, ACK, OK, DP_CT_TCP_CLOSE}, /* in flight before the RST */
	};
	play(s, RTE_DIM(s));
}

static void tcp_flag_combinations_no_stack_sends_are_invalid(void **state)
{
	const uint8_t bad[] = {0, FIN, SYN | FIN, SYN | RST, SYN | FIN | ACK, FIN | PSH | 0x20, PSH};

	(void)state;
	for (unsigned int i = 0; i < RTE_DIM(bad); i++) {
		assert_int_equal(dp_ct_tcp_event(bad[i]), DP_CT_TCP_EV_NONE);
		assert_int_equal(dp_ct_tcp_next(DP_CT_TCP_ESTABLISHED, O, bad[i]),
				DP_CT_TCP_INVALID);
	}
	/* ECE and CWR (ECN, RFC 3168) and PSH change nothing. */
	assert_int_equal(dp_ct_tcp_event(SYN | 0x40 | 0x80), DP_CT_TCP_EV_SYN);
	assert_int_equal(dp_ct_tcp_event(FIN | ACK | PSH), DP_CT_TCP_EV_FIN);
}

static void tcp_simultaneous_open_goes_through_syn_sent2(void **state)
{
	const struct step s[] = {
		{R, SYN, OK, DP_CT_TCP_SYN_SENT2},
		{O, SYN, OK, DP_CT_TCP_SYN_SENT2}, /* late retransmission */
		{O, SYN | ACK, OK, DP_CT_TCP_SYN_RECV},
		{R, SYN | ACK, OK, DP_CT_TCP_SYN_RECV},
		{O, ACK, OK, DP_CT_TCP_ESTABLISHED},
	};

	(void)state;
	play(s, RTE_DIM(s));
}

static void tcp_fin_sequences_reach_time_wait(void **state)
{
	const struct step client_closes[] = {
		{R, SYN | ACK, OK, DP_CT_TCP_SYN_RECV},
		{O, ACK, OK, DP_CT_TCP_ESTABLISHED},
		{O, FIN | ACK, OK, DP_CT_TCP_FIN_WAIT},
		{R, ACK, OK, DP_CT_TCP_CLOSE_WAIT},
		{R, PSH | ACK, OK, DP_CT_TCP_CLOSE_WAIT}, /* half-closed: data still flows back */
		{R, FIN | ACK, OK, DP_CT_TCP_LAST_ACK},
		{O, ACK, OK, DP_CT_TCP_TIME_WAIT},
		{O, ACK, OK, DP_CT_TCP_TIME_WAIT},
	};
	const struct step server_closes[] = {
		{R, SYN | ACK, OK, DP_CT_TCP_SYN_RECV},
		{O, ACK, OK, DP_CT_TCP_ESTABLISHED},
		{R, FIN | ACK, OK, DP_CT_TCP_FIN_WAIT},
		{O, ACK, OK, DP_CT_TCP_CLOSE_WAIT},
		{O, FIN | ACK, OK, DP_CT_TCP_LAST_ACK},
		{R, ACK, OK, DP_CT_TCP_TIME_WAIT},
	};
	uint32_t idx;

	(void)state;
	idx = play(client_closes, RTE_DIM(client_closes));
	assert_int_equal(dp_ct_delete(ct, idx), 0);
	play(server_closes, RTE_DIM(server_closes));
}

static void tcp_simultaneous_close_reaches_time_wait(void **state)
{
	const struct step s[] = {
		{R, SYN | ACK, OK, DP_CT_TCP_SYN_RECV},
		{O, ACK, OK, DP_CT_TCP_ESTABLISHED},
		{O, FIN | ACK, OK, DP_CT_TCP_FIN_WAIT},
		{R, FIN | ACK, OK, DP_CT_TCP_LAST_ACK},
		{R, ACK, OK, DP_CT_TCP_TIME_WAIT},
		{O, ACK, OK, DP_CT_TCP_TIME_WAIT},
	};

	(void)state;
	play(s, RTE_DIM(s));
}

static const struct step to_time_wait[] = {
	{R, SYN | ACK, OK, DP_CT_TCP_SYN_RECV},
	{O, ACK, OK, DP_CT_TCP_ESTABLISHED},
	{O, FIN | ACK, OK, DP_CT_TCP_FIN_WAIT},
	{R, FIN | ACK, OK, DP_CT_TCP_LAST_ACK},
	{O, ACK, OK, DP_CT_TCP_TIME_WAIT},
};

static void tcp_syn_in_time_wait_reopens_and_resets_the_records(void **state)
{
	struct dp_ct_pkt syn = tcp("10.0.0.1", 1234, "10.0.0.2", 80, SYN);
	uint32_t idx = play(to_time_wait, RTE_DIM(to_time_wait));
	enum dp_ct_dir dir;

	(void)state;
	dp_ct_rec_set(ct, idx, DP_CT_RESPONDER, 5, 7);
	assert_int_equal(dp_ct_update(ct, idx, &syn, T0 + 50, &dir), DP_CT_REOPENED);
	assert_int_equal(dir, O);
	assert_int_equal(state_of(idx), DP_CT_TCP_SYN_SENT);
	/* Nothing the old connection was allowed by holds for the new one. */
	assert_int_equal(dp_ct_rec_get(ct, idx, DP_CT_ORIGINATOR).gen, DP_CT_GEN_NONE);
	assert_int_equal(dp_ct_rec_get(ct, idx, DP_CT_RESPONDER).gen, DP_CT_GEN_NONE);
	assert_int_equal(ct->entries[idx].last_seen, T0 + 50);
	/* And it goes on like any new connection. */
	syn = tcp("10.0.0.2", 80, "10.0.0.1", 1234, SYN | ACK);
	assert_int_equal(dp_ct_update(ct, idx, &syn, T0 + 50, &dir), OK);
	assert_int_equal(state_of(idx), DP_CT_TCP_SYN_RECV);
}

static void tcp_responder_reopening_from_time_wait_gets_a_new_entry(void **state)
{
	struct dp_ct_pkt syn = tcp("10.0.0.2", 80, "10.0.0.1", 1234, SYN);
	uint32_t old = play(to_time_wait, RTE_DIM(to_time_wait)), idx;
	enum dp_ct_dir dir;

	(void)state;
	/* The roles would swap: the old entry ends and this SYN is dropped. */
	assert_int_equal(dp_ct_update(ct, old, &syn, T0 + 50, &dir), DP_CT_DEAD);
	assert_true(dp_ct_is_dead(ct, old));
	assert_int_equal(dp_ct_expire(ct, T0 + 50, 0), 1);
	/* Its retransmission opens a connection of the old responder's. */
	assert_int_equal(lookup(&syn), DP_CT_NONE);
	idx = create(&syn);
	assert_int_equal(dp_ct_dir_of(ct, idx, syn.side), O);
	syn = tcp("10.0.0.1", 1234, "10.0.0.2", 80, SYN | ACK);
	assert_int_equal(dp_ct_update(ct, idx, &syn, T0 + 51, &dir), OK);
	assert_int_equal(dir, R);
	assert_int_equal(state_of(idx), DP_CT_TCP_SYN_RECV);
}

static void tcp_syn_after_rst_reopens(void **state)
{
	const struct step s[] = {
		{R, SYN | ACK, OK, DP_CT_TCP_SYN_RECV},
		{O, ACK, OK, DP_CT_TCP_ESTABLISHED},
		{O, RST, OK, DP_CT_TCP_CLOSE},
		{R, SYN, BAD, DP_CT_TCP_CLOSE}, /* only the opener reopens after a reset */
		{O, SYN, DP_CT_REOPENED, DP_CT_TCP_SYN_SENT},
	};

	(void)state;
	play(s, RTE_DIM(s));
}

static void tcp_bare_ack_opens_nothing_unless_loose(void **state)
{
	struct dp_ct_pkt ack = tcp("10.0.0.1", 1234, "10.0.0.2", 80, ACK);
	struct dp_ct *loose = table(16, 0, true);
	struct dp_ct_stats st;
	uint32_t idx;

	(void)state;
	assert_int_equal(dp_ct_create(ct, &ack, &no_rec, &no_rec, T0, &idx), -EINVAL);
	assert_int_equal(idx, DP_CT_NONE);
	assert_int_equal(lookup(&ack), DP_CT_NONE);
	dp_ct_stats_get(ct, &st);
	assert_int_equal(st.invalid, 1);
	assert_int_equal(st.in_use, 0);

	assert_int_equal(dp_ct_create(loose, &ack, &no_rec, &no_rec, T0, &idx), 0);
	assert_int_equal(loose->entries[idx].sw & DP_CT_SW_STATE, DP_CT_TCP_ESTABLISHED);
	/* Even loose, a FIN or an RST opens nothing. */
	ack = tcp("10.0.0.1", 1, "10.0.0.2", 80, FIN | ACK);
	assert_int_equal(dp_ct_create(loose, &ack, &no_rec, &no_rec, T0, &idx), -EINVAL);
	ack = tcp("10.0.0.1", 1, "10.0.0.2", 80, RST);
	assert_int_equal(dp_ct_create(loose, &ack, &no_rec, &no_rec, T0, &idx), -EINVAL);
	dp_ct_fini(loose);
}

static void tcp_established_lives_five_days_and_closed_ten_seconds(void **state)
{
	struct dp_ct_pkt rst = tcp("10.0.0.2", 80, "10.0.0.1", 1234, RST);
	uint32_t idx = play(to_time_wait, 2); /* established at T0 + 1 */
	enum dp_ct_dir dir;

	(void)state;
	assert_int_equal(dp_ct_expire(ct, T0 + 1 + 432000, ct->n_slots), 0);
	assert_int_equal(dp_ct_update(ct, idx, &rst, T0 + 2, &dir), OK);
	assert_int_equal(dp_ct_expire(ct, T0 + 2 + 10, ct->n_slots), 0);
	assert_int_equal(dp_ct_expire(ct, T0 + 2 + 11, ct->n_slots), 1);
	assert_int_equal(lookup(&rst), DP_CT_NONE);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(tcp_three_way_handshake_reaches_established),
		T(tcp_retransmitted_syn_and_syn_ack_keep_the_handshake_going),
		T(tcp_rst_closes_from_every_state_but_opens_nothing),
		T(tcp_flag_combinations_no_stack_sends_are_invalid),
		T(tcp_simultaneous_open_goes_through_syn_sent2),
		T(tcp_fin_sequences_reach_time_wait),
		T(tcp_simultaneous_close_reaches_time_wait),
		T(tcp_syn_in_time_wait_reopens_and_resets_the_records),
		T(tcp_responder_reopening_from_time_wait_gets_a_new_entry),
		T(tcp_syn_after_rst_reopens),
		T(tcp_bare_ack_opens_nothing_unless_loose),
		T(tcp_established_lives_five_days_and_closed_ten_seconds),
	};

	if (ct_test_init("ct_tcp") < 0)
		return 1;
	return cmocka_run_group_tests_name("ct_tcp", tests, NULL, NULL);
}
