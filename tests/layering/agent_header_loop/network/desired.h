/* SPDX-License-Identifier: Apache-2.0 */
/* Two network headers that include each other: check_agent_layers.py must refuse the loop. */
#include "common/log.h"
#include "network/routers.h"
