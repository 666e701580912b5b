/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The dataplane's one logging helper: control thread and start-up only, never
 * the packet path (workers count, they do not log).
 */
#ifndef VIRGA_DP_LOG_H
#define VIRGA_DP_LOG_H

#include <rte_log.h>

extern int dp_logtype;

#define DP_LOG(level, fmt, ...)                                                                   \
	rte_log(RTE_LOG_##level, dp_logtype, "virga: " fmt "\n", ##__VA_ARGS__)

#endif
