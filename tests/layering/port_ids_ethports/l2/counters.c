/* SPDX-License-Identifier: Apache-2.0 */
/* A fixture for check_port_ids.sh: a per-port array sized by the ethdev cap. */
#include <rte_ethdev.h>

unsigned long per_port_counters[RTE_MAX_ETHPORTS];
