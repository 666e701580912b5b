/* SPDX-License-Identifier: Apache-2.0 */
/* The other half of the loop. */
#include "network/desired.h"
