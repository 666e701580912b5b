/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>

#include "ab.h"

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile: the smallest sample with at least q of them at or below it. */
static double pct_us(const int64_t *v, size_t n, double q)
{
	size_t rank = (size_t)(q * (double)n + 0.999999);

	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return (double)v[rank - 1] / 1000.0;
}

void ab_stats_fill(struct ab_result *r, int64_t *lat_ns, size_t n)
{
	if (n == 0)
		return;
	qsort(lat_ns, n, sizeof(*lat_ns), cmp_i64);
	r->p50_us = pct_us(lat_ns, n, 0.50);
	r->p90_us = pct_us(lat_ns, n, 0.90);
	r->p99_us = pct_us(lat_ns, n, 0.99);
	r->max_us = (double)lat_ns[n - 1] / 1000.0;
}

double ab_median(double *v, size_t n)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}
