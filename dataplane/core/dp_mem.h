/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Memory for large lookup tables (MAC, neighbours), control thread only.
 *
 * Without hugepages the EAL's heap is a memfd of 4 KiB pages that
 * transparent huge pages do not cover, and a table of a few MB probed at
 * random then costs a TLB miss per lookup. Tables only this process reads
 * (workers are threads) can live in private anonymous memory asked to be
 * backed by 2 MiB pages (MADV_HUGEPAGE), so that mode keeps most of the
 * speed of real hugepages. With hugepages the EAL heap is used.
 */
#ifndef VIRGA_DP_MEM_H
#define VIRGA_DP_MEM_H

#include <stddef.h>

/* Zeroed, cache-line aligned; NULL on failure. */
void *dp_table_zalloc(size_t size);
void dp_table_free(void *p, size_t size);

#endif
