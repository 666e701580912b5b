/* SPDX-License-Identifier: Apache-2.0 */
/* The network half calling into the compute one: check_agent_layers.py must refuse it. */
#include "common/log.h"
#include "compute/compute.h"
