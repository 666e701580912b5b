/* SPDX-License-Identifier: Apache-2.0 */
#ifndef VIRGA_DP_FDB_AGING_H
#define VIRGA_DP_FDB_AGING_H

#include "dp_fdb.h"

/* Control thread: removes entries older than t->aging_sec or of a flushed port; returns how many. */
uint32_t dp_fdb_age(struct dp_kv *t, uint32_t now_sec);

#endif
