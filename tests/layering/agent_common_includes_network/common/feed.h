/* SPDX-License-Identifier: Apache-2.0 */
/* The feed reaching up into the network half: check_agent_layers.py must refuse it. */
#include "network/dp.h"
