/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The agent's one logging helper, which every file of both halves uses:
 * levelled lines on stderr, and ag_once, so that a problem that lasts is
 * said once rather than on every pass. It depends on nothing of the agent.
 *
 * The agent's only thread: nothing here is thread-safe.
 */
#ifndef AG_COMMON_LOG_H
#define AG_COMMON_LOG_H

#include <stdbool.h>

#include <jansson.h>

enum ag_log_level { AG_ERR, AG_WARN, AG_INFO, AG_DEBUG };

/* Lines above level are dropped (AG_INFO until set). */
void ag_log_set_level(enum ag_log_level level);
void ag_log(enum ag_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Whether a problem named key (at this revision of its object) is news, so
 * that it is logged once, not every pass; records it. */
bool ag_once(const char *key, json_int_t rev);

#endif /* AG_COMMON_LOG_H */
