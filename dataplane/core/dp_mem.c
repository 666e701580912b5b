/* SPDX-License-Identifier: Apache-2.0 */
#include <stdint.h>
#include <sys/mman.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_malloc.h>

#include "dp_mem.h"

#define HUGE_2M (2u << 20)

static bool heap_is_hugepages(void)
{
	return rte_eal_has_hugepages();
}

void *dp_table_zalloc(size_t size)
{
	size_t len = RTE_ALIGN_CEIL(size, HUGE_2M);
	uint8_t *raw, *p;

	if (heap_is_hugepages())
		return rte_zmalloc("table", size, RTE_CACHE_LINE_SIZE);
	/* Map one extra 2 MiB so the table can start on a 2 MiB boundary, which THP needs. */
	raw = mmap(NULL, len + HUGE_2M, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		return NULL;
	p = RTE_PTR_ALIGN_CEIL(raw, HUGE_2M);
	if (p > raw)
		munmap(raw, p - raw);
	munmap(p + len, raw + HUGE_2M - p);
	madvise(p, len, MADV_HUGEPAGE);
	return p;
}

void dp_table_free(void *p, size_t size)
{
	if (p == NULL)
		return;
	if (heap_is_hugepages())
		rte_free(p);
	else
		munmap(p, RTE_ALIGN_CEIL(size, HUGE_2M));
}
