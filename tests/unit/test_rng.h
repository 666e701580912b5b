/* SPDX-License-Identifier: Apache-2.0 */
/*
 * xorshift64* for tests that draw random cases: seed test_rng (and print
 * it), so a failure replays identically from its seed.
 */
#ifndef VIRGA_TEST_RNG_H
#define VIRGA_TEST_RNG_H

#include <stdint.h>

static uint64_t test_rng;

static inline uint64_t test_rnd(void)
{
	test_rng ^= test_rng >> 12;
	test_rng ^= test_rng << 25;
	test_rng ^= test_rng >> 27;
	return test_rng * 0x2545f4914f6cdd1dull;
}

/* Uniform enough in [0, n) for test cases; n > 0. */
static inline uint32_t test_rnd_below(uint32_t n)
{
	return (uint32_t)(test_rnd() >> 32) % n;
}

#endif
